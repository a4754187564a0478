"""The site's URLs plus two that fail, for the error-page tests (never mounted in the site)."""

from django.db import OperationalError
from django.urls import path

from kretslopp.urls import handler400, handler403, handler404, handler500, urlpatterns


def broken(request):
    raise ZeroDivisionError("a fault in the code")


def database_down(request):
    raise OperationalError("could not connect to server: Connection refused")


urlpatterns = [
    path("test-broken/", broken),
    path("test-database-down/", database_down),
    *urlpatterns,
]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
