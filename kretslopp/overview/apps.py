from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    """The composition on top: the home page and the main menu, read from the registries.

    Nothing here knows which domains exist; each registers its menu entries and dashboard
    panels in its own ``ready()`` (see ``docs/architecture.md``).
    """

    name = "kretslopp.overview"
    label = "overview"
    verbose_name = _("Overview")

    def ready(self) -> None:
        from kretslopp.core.registry import NavigationEntry, lazy, registry
        from kretslopp.organisation.access import Action

        registry.navigation.register(
            "home", NavigationEntry("home", _("Overview"), lambda a: a.can(Action.VIEW), 10)
        )
        registry.warmers.register("start page", lazy("kretslopp.overview.warm.warm_start_page"))
