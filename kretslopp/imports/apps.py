from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "kretslopp.imports"
    verbose_name = _("Imports and exports")

    def ready(self) -> None:
        from kretslopp.core.registry import AuditBatchKind, registry
        from kretslopp.imports.models import AUDIT_BATCH_KIND, job_label, job_url

        # The audit log names an import's entries after its job and links to it.
        registry.audit_batches.register(AUDIT_BATCH_KIND, AuditBatchKind(job_label, job_url))
