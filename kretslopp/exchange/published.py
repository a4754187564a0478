"""What the organisation publishes: the lead's choices frozen, and the document made of them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from kretslopp.exchange import format as exchange_format
from kretslopp.exchange.models import CatalogueKpi, Publication, Publisher
from kretslopp.exchange.values import Computed


def document(*, kpi: str | None = None, municipality: str | None = None, year: int | None = None):
    """The exchange document of the published values (filtered as Kolada's data route is)."""
    publisher = Publisher.current()
    code, name = (publisher.municipality_code, publisher.name) if publisher else ("", "")
    publications = Publication.objects.order_by("kpi_id", "period")
    if kpi is not None:
        publications = publications.filter(kpi_id=kpi)
    if year is not None:
        publications = publications.filter(period=year)
    if publisher is None or (municipality is not None and municipality != code):
        publications = publications.none()
    entries = [_entry(p, code, name) for p in publications]
    stamp = timezone.now().isoformat(timespec="seconds")
    return exchange_format.document(code or "0000", name or "-", entries, stamp)


def _entry(publication: Publication, code: str, name: str) -> dict[str, Any]:
    return {
        "kpi": publication.kpi_id,
        "kpi_version": publication.kpi_version,
        "municipality": code,
        "municipality_name": name,
        "period": publication.period,
        "value": publication.value,
        "count": publication.count,
        "status": publication.status,
        "method": publication.method,
        "factor_set": publication.factor_set,
        "data_quality": publication.data_quality,
    }


@transaction.atomic
def publish(chosen: set[tuple[str, int]], computed: list[Computed], user: Any) -> tuple[int, int]:
    """Publish exactly ``chosen`` (kpi, year) of ``computed``; returns (published, withdrawn).

    A chosen value is frozen as computed now (publishing again refreshes it); a published
    value no longer chosen is withdrawn. Every change is audited by the model's registration.
    """
    catalogue = {kpi.kpi: kpi for kpi in CatalogueKpi.objects.all()}
    by_key = {(c.kpi, c.period): c for c in computed if c.value is not None}
    published = 0
    for key in sorted(chosen):
        value = by_key.get(key)
        if value is None:
            continue
        current = Publication.objects.filter(kpi_id=key[0], period=key[1]).first()
        fields = {
            "kpi_version": catalogue[key[0]].version,
            "value": value.value,
            "count": value.count,
            "status": "",
            "method": value.method,
            "factor_set": value.factor_set,
            "data_quality": value.data_quality,
            "published_by": user,
        }
        if current is None:
            Publication.objects.create(kpi_id=key[0], period=key[1], **fields)
            published += 1
        elif any(getattr(current, f) != v for f, v in fields.items() if f != "published_by"):
            for name, new in fields.items():
                setattr(current, name, new)
            current.save()
            published += 1
    withdrawn = 0
    for publication in Publication.objects.all():
        if (publication.kpi_id, publication.period) not in chosen:
            publication.delete()
            withdrawn += 1
    return published, withdrawn
