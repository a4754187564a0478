from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CircularConfig(AppConfig):
    """Take-back (återtag): campaigns, collection, hand-over, partner results, reconciliation."""

    name = "kretslopp.circular"
    label = "circular"
    verbose_name = _("Take-back")
