from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The annual report and department reports, built from frozen snapshots."""

    name = "kretslopp.reports"
    label = "reports"
    verbose_name = _("Reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kretslopp.core import audit
        from kretslopp.core.registry import NavigationEntry, ReportSection, lazy, registry
        from kretslopp.reports import access
        from kretslopp.reports.models import ReportSnapshot

        audit.register(ReportSnapshot)
        registry.navigation.register(
            "reports:archive",
            NavigationEntry("reports:archive", _("Reports"), access.may_list, 85),
        )
        # The report's own section, methods and sources, comes last (the summary gathers
        # the other sections' headline figures); every other section comes from the app
        # that owns its figures.
        registry.report_sections.register(
            "reports:kpis", ReportSection(lazy("kretslopp.reports.sections.kpis"), 60)
        )
        registry.report_sections.register(
            "reports:methods", ReportSection(lazy("kretslopp.reports.sections.methods"), 1000)
        )
