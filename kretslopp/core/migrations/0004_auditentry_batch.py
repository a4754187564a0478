"""Every audit entry carries the batch (request or job) that wrote it.

Entries written before batches existed cannot be told apart any more: each becomes a
batch of its own (``entry:<id>``), so the log shows them one by one as it did.
"""

from django.db import migrations, models
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat


def one_batch_per_old_entry(apps, schema_editor) -> None:
    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditEntry.objects.filter(batch="").update(
        batch=Concat(Value("entry:"), Cast("id", CharField()), output_field=CharField())
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_drop_redundant_fk_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="batch",
            field=models.CharField(default="", max_length=40, verbose_name="batch"),
            preserve_default=False,
        ),
        migrations.RunPython(one_batch_per_old_entry, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="auditentry",
            name="batch",
            field=models.CharField(db_index=True, max_length=40, verbose_name="batch"),
        ),
    ]
