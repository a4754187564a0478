from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "kretslopp.imports"
    verbose_name = _("Imports and exports")

    def ready(self) -> None:
        from kretslopp.core.registry import ApiRouterEntry, NavigationEntry, registry
        from kretslopp.organisation.access import Action

        registry.navigation.register(
            "imports:upload",
            NavigationEntry(
                "imports:upload", _("Import"), lambda access: access.can(Action.EDIT_ASSETS), 40
            ),
        )
        registry.api_routers.register("imports", ApiRouterEntry("kretslopp.imports.api.router", 70))
