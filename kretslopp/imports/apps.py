from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "kretslopp.imports"
    verbose_name = _("Imports and exports")

    def ready(self) -> None:
        from kretslopp.core.registry import (
            ApiRouterEntry,
            AuditBatchKind,
            CommandEntry,
            ImportTargetEntry,
            NavigationEntry,
            PeriodicJob,
            lazy,
            registry,
        )
        from kretslopp.organisation.access import Action

        registry.navigation.register(
            "imports:upload",
            NavigationEntry(
                "imports:upload", _("Import"), lambda access: access.can(Action.EDIT_ASSETS), 40
            ),
        )
        registry.api_routers.register("imports", ApiRouterEntry("kretslopp.imports.api.router", 70))
        registry.periodic_jobs.register(
            "imports.cleanup",
            PeriodicJob(
                _("Clean up old uploaded import files"),
                lazy("kretslopp.imports.retention.scheduled_cleanup"),
                every_seconds=60 * 60,
            ),
        )
        registry.periodic_jobs.register(
            "imports.export_cleanup",
            PeriodicJob(
                _("Remove export files past their retention period"),
                lazy("kretslopp.imports.exports.scheduled_cleanup"),
                every_seconds=60 * 60,
            ),
        )
        registry.import_commands.register(
            "assets",
            CommandEntry(
                "a CSV or XLSX file of assets (ours, Snipe-IT, GLPI, Intune, …)",
                lazy("kretslopp.imports.commands.assets_arguments"),
                lazy("kretslopp.imports.commands.import_assets"),
                10,
            ),
        )
        registry.import_commands.register(
            "snipeit",
            CommandEntry(
                "the hardware of a Snipe-IT server",
                lazy("kretslopp.imports.commands.snipeit_arguments"),
                lazy("kretslopp.imports.commands.import_snipeit"),
                20,
            ),
        )
        registry.import_targets.register(
            "assets",
            ImportTargetEntry(
                "kretslopp.imports.assets.target.AssetTarget",
                _("Assets"),
                lambda access: access.can(Action.EDIT_ASSETS),
                10,
            ),
        )
        from kretslopp.imports.models import AUDIT_BATCH_KIND, job_label, job_url

        # The audit log names an import's entries after its job and links to it.
        registry.audit_batches.register(AUDIT_BATCH_KIND, AuditBatchKind(job_label, job_url))
