from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    """The sustainability forum: members, meetings, and the register of measures it runs."""

    name = "kretslopp.forum"
    label = "forum"
    verbose_name = _("Sustainability forum")

    def ready(self) -> None:
        from kretslopp.forum import followup

        followup.register()
