from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "kretslopp.imports"
    verbose_name = _("Imports and exports")

    def ready(self) -> None:
        # Assets are one import target among others: registered like every app's targets.
        from kretslopp.core.registry import ImportTargetEntry, registry
        from kretslopp.imports.assets.target import AssetTarget
        from kretslopp.organisation.access import Action

        registry.import_targets.register(
            AssetTarget.name,
            ImportTargetEntry(
                target=AssetTarget,
                label=_("Assets"),
                allowed=lambda access: access.can(Action.EDIT_ASSETS),
                order=10,
            ),
        )
