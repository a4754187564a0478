"""The site's URL map: each domain app mounts its own urls."""

from django.urls import include, path

from kretslopp.api.assembly import api
from kretslopp.organisation import auditlog_views, auth
from kretslopp.overview import views as overview

urlpatterns = [
    path("", overview.home, name="home"),
    path("audit/", auditlog_views.audit_log, name="audit_log"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("kretslopp.organisation.urls")),
    path("", include("kretslopp.inventory.urls")),
    path("", include("kretslopp.carbon.urls")),
    path("", include("kretslopp.imports.urls")),
    path("", include("kretslopp.energy.urls")),
    path("", include("kretslopp.printing.urls")),
    path("", include("kretslopp.circular.urls")),
    path("", include("kretslopp.forum.urls")),
    path("", include("kretslopp.procurement.urls")),
    path("", include("kretslopp.reports.urls")),
    path("", include("kretslopp.exchange.urls")),
]

# Error pages in the site's layout and language (kretslopp/core/errors.py).
handler400 = "kretslopp.core.errors.bad_request"
handler403 = "kretslopp.core.errors.permission_denied"
handler404 = "kretslopp.core.errors.page_not_found"
handler500 = "kretslopp.core.errors.server_error"
