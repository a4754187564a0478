from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrintingConfig(AppConfig):
    """Print volumes per department and month from print logs, and print targets."""

    name = "kretslopp.printing"
    label = "printing"
    verbose_name = _("Printing")

    def ready(self) -> None:
        # Print logs go through the one import pipeline: register them as a target.
        from kretslopp.printing.importer import register_target

        register_target()
