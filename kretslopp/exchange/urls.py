from django.urls import path

from kretslopp.exchange import views

app_name = "exchange"

urlpatterns = [
    path("exchange/", views.compare, name="compare"),
    path("exchange/publish/", views.publish, name="publish"),
    path("exchange/export.<str:fmt>", views.export, name="export"),
]
