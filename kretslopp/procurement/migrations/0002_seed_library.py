"""The shipped criteria library and label tiers (``kretslopp/tendering/data``)."""

from django.db import migrations


def seed(apps, schema_editor):
    from kretslopp.procurement.seeding import seed_library

    seed_library(
        apps.get_model("procurement", "Criterion"), apps.get_model("procurement", "LabelTier")
    )


class Migration(migrations.Migration):
    dependencies = [("procurement", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
