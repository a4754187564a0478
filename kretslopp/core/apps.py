from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kretslopp.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from kretslopp.core.textsearch import ensure_text_indexes

        # Sent once per app after every migrate; listening for core's alone runs it once.
        post_migrate.connect(ensure_text_indexes, sender=self, dispatch_uid="text_indexes")
