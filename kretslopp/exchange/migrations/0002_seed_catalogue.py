"""Seed the KPI catalogue from ``data/catalogue.csv`` (the shipped version 1 of each KPI).

A later change of a KPI's definition bumps its ``version`` in the CSV and ships a migration
that updates the row, so values computed under the old definition stay recognisable.
"""

import csv
from pathlib import Path

from django.db import migrations

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "catalogue.csv"


def seed(apps, schema_editor):
    model = apps.get_model("exchange", "CatalogueKpi")
    with CATALOGUE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            kpi = row.pop("kpi")
            row["version"] = int(row["version"])
            model.objects.update_or_create(kpi=kpi, defaults=row)


def unseed(apps, schema_editor):
    apps.get_model("exchange", "CatalogueKpi").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
