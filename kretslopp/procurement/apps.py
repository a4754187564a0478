from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    """Procurement (upphandling): the criteria library, procurements, offers, evaluation, contracts.

    The computation lives in the plain package :mod:`kretslopp.tendering`; this app stores what
    the buyer chose and the bidders offered, and freezes a decided evaluation.
    """

    name = "kretslopp.procurement"
    label = "procurement"
    verbose_name = _("Procurement")

    def ready(self) -> None:
        from kretslopp.core.registry import (
            ImportTargetEntry,
            NavigationEntry,
            PeriodicJob,
            lazy,
            registry,
        )
        from kretslopp.organisation.access import Access, Action

        registry.periodic_jobs.register(
            "procurement.label_warnings",
            PeriodicJob(
                _("Log label certificates lapsing during active contracts"),
                lazy("kretslopp.procurement.labels.scheduled_warnings"),
                every_seconds=24 * 60 * 60,
            ),
        )

        registry.import_targets.register(
            "offer_form",  # offerform.TARGET_NAME; the module loads when an offer comes in
            ImportTargetEntry(
                target="kretslopp.procurement.offerform.OfferFormTarget",
                label=_("Offer form (procurement)"),
                allowed=lambda access: access.can(Action.MANAGE_PROCUREMENT),
                order=60,
                options={
                    "procurement": "the procurement's number",
                    "organisation_number": "the bidder's organisation number (optional)",
                },
            ),
        )
        registry.navigation.register(
            "procurement:procurements",
            NavigationEntry(
                "procurement:procurements",
                _("Procurement"),
                lambda access: Access.can(access, Action.VIEW_PROCUREMENT),
                60,
            ),
        )

        from kretslopp.procurement import follow_up_registry

        follow_up_registry.register()
