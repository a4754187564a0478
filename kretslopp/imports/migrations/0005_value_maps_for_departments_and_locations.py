# Value mappings also say which department or location a name from another system means.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0004_job_liveness"),
        ("organisation", "0004_cost_centre_updated_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="valuemap",
            name="department",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organisation.department",
                verbose_name="department",
            ),
        ),
        migrations.AddField(
            model_name="valuemap",
            name="location",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organisation.location",
                verbose_name="location",
            ),
        ),
        migrations.AlterField(
            model_name="valuemap",
            name="code",
            field=models.CharField(blank=True, max_length=20, verbose_name="means"),
        ),
        migrations.AlterField(
            model_name="valuemap",
            name="key",
            field=models.CharField(editable=False, max_length=200),
        ),
        migrations.AlterField(
            model_name="valuemap",
            name="kind",
            field=models.CharField(
                choices=[
                    ("category", "Category"),
                    ("status", "Status"),
                    ("department", "Department"),
                    ("location", "Location"),
                ],
                max_length=10,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="valuemap",
            name="source_name",
            field=models.CharField(max_length=200, verbose_name="name in the file"),
        ),
    ]
