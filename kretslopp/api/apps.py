from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "kretslopp.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        # The kernel's own routes (departments, cost centres, locations, people) live with
        # the API framework, which sits above the organisation app.
        from kretslopp.core.registry import ApiRouterEntry, registry

        registry.api_routers.register(
            "organisation", ApiRouterEntry("kretslopp.api.organisation.router", 10)
        )
