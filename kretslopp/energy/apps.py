from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnergyConfig(AppConfig):
    """The IT energy ledger, targets for every KPI and the Green Digital Charter view."""

    name = "kretslopp.energy"
    label = "energy"
    verbose_name = _("Energy and targets")

    def ready(self) -> None:
        # Meter readings go through the one import pipeline: make them a known target.
        from kretslopp.energy.meterimport import register_target

        register_target()
