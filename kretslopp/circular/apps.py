from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CircularConfig(AppConfig):
    """Take-back (återtag): campaigns, collection, hand-over, partner results, reconciliation."""

    name = "kretslopp.circular"
    label = "circular"
    verbose_name = _("Take-back")

    def ready(self) -> None:
        # A partner's report goes through the one import pipeline: register it as a target.
        from kretslopp.circular.report import register_target

        register_target()
