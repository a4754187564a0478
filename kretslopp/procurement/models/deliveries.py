"""Which assets were delivered under a contract: the contract's order numbers.

An asset keeps the order number it was bought on (``Asset.order_number``, filled on the
asset page or by the asset import's order-number column). A contract lists the order
numbers placed under it (avrop); an asset whose order number is one of them, or is the
contract's own reference, was delivered under the contract. The inventory app therefore
knows nothing of contracts, and an import needs no new column.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kretslopp.core import audit


@audit.register
class ContractOrder(models.Model):
    """An order (call-off) placed under a contract, by its order number."""

    contract = models.ForeignKey(
        "procurement.Contract",
        on_delete=models.CASCADE,
        related_name="orders",
        verbose_name=_("contract"),
    )
    order_number = models.CharField(_("order number"), max_length=100, unique=True)
    ordered_on = models.DateField(_("ordered"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("order under a contract")
        verbose_name_plural = _("orders under contracts")
        ordering = ["contract", "order_number"]

    def __str__(self) -> str:
        return self.order_number
