from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarbonConfig(AppConfig):
    """The footprint engine in the app: choices, overrides, match decisions, figures on pages."""

    name = "kretslopp.carbon"
    label = "carbon"
    verbose_name = _("Climate footprint")
