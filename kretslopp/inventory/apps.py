from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "kretslopp.inventory"
    label = "inventory"
    verbose_name = _("Inventory")

    def ready(self) -> None:
        from kretslopp.core.registry import registry
        from kretslopp.core.textsearch import TextIndex

        registry.text_indexes.register(
            "inventory_productmodel.name", TextIndex("inventory_productmodel", "name")
        )
