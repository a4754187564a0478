from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "kretslopp.inventory"
    label = "inventory"
    verbose_name = _("Inventory")

    def ready(self) -> None:
        from kretslopp.core.registry import (
            ApiRouterEntry,
            DepartmentColumn,
            NavigationEntry,
            Panel,
            lazy,
            registry,
        )
        from kretslopp.core.textsearch import TextIndex
        from kretslopp.organisation.access import Action

        def may_view(access) -> bool:
            return access.can(Action.VIEW)

        registry.navigation.register(
            "inventory:assets", NavigationEntry("inventory:assets", _("Assets"), may_view, 20)
        )
        registry.navigation.register(
            "inventory:models",
            NavigationEntry("inventory:models", _("Product models"), may_view, 30),
        )
        registry.dashboard_panels.register(
            "inventory:estate",
            Panel("inventory/panels/estate.html", lazy("kretslopp.inventory.panels.estate"), 10),
        )
        registry.dashboard_panels.register(
            "inventory:departments",
            Panel(
                "inventory/panels/departments.html",
                lazy("kretslopp.inventory.panels.departments"),
                30,
            ),
        )
        registry.api_routers.register(
            "inventory", ApiRouterEntry("kretslopp.inventory.api.router", 20)
        )
        registry.department_panels.register(
            "inventory:holdings",
            Panel(
                "inventory/panels/department.html",
                lazy("kretslopp.inventory.panels.department_holdings"),
                10,
                version=lazy("kretslopp.inventory.panels.department_holdings_version"),
            ),
        )
        registry.department_columns.register(
            "inventory:in_custody",
            DepartmentColumn(
                _("Assets in custody"), lazy("kretslopp.inventory.panels.custody_cells"), 10
            ),
        )
        registry.department_columns.register(
            "inventory:per_employee",
            DepartmentColumn(
                _("Assets per employee"), lazy("kretslopp.inventory.panels.per_employee_cells"), 20
            ),
        )
        registry.text_indexes.register(
            "inventory_productmodel.name", TextIndex("inventory_productmodel", "name")
        )
