from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "kretslopp.organisation"
    label = "organisation"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from kretslopp.core.registry import NavigationEntry, registry
        from kretslopp.core.textsearch import TextIndex
        from kretslopp.organisation import signals
        from kretslopp.organisation.access import Access, Action, access_for

        signals.connect()
        registry.text_indexes.register(
            "organisation_person.name", TextIndex("organisation_person", "name")
        )
        registry.access.register("user", access_for)  # what core.editing asks
        registry.navigation.register(
            "organisation:departments",
            NavigationEntry(
                "organisation:departments",
                _("Departments"),
                lambda access: access.can(Action.VIEW),
                60,
            ),
        )
        registry.navigation.register(
            "organisation:people",
            NavigationEntry("organisation:people", _("People"), Access.may_manage_logins, 90),
        )
