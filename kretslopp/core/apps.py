from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kretslopp.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from kretslopp.core import audit
        from kretslopp.core.registry import AuditBatchKind, registry
        from kretslopp.core.textsearch import ensure_text_indexes

        # The batches the kernel itself opens (core.middleware, kretslopp.cli) and the
        # system's own housekeeping; a write no request or job started ("write") and one
        # recorded before batches existed ("entry") stand alone and need no name.
        registry.audit_batches.register(
            "request", AuditBatchKind(lambda key: _("Saved in one request"))
        )
        registry.audit_batches.register(
            "command", AuditBatchKind(lambda key: _("One command-line run"))
        )
        registry.audit_batches.register(
            audit.SYSTEM_BATCH, AuditBatchKind(lambda key: _("The system, on its own"))
        )
        # Sent once per app after every migrate; listening for core's alone runs it once.
        post_migrate.connect(ensure_text_indexes, sender=self, dispatch_uid="text_indexes")
