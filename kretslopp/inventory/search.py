"""Finding assets by what a person types: a tag, a serial number, a model or a person.

Every branch is answered by an index, so a search costs the same in a register of a
thousand assets as in one of a million:

1. an exact asset tag or serial number (as typed, upper- or lower-case) — the unique tag
   index and the serial index; when one matches, the search stops there, since a scanned
   or pasted code names the device that was meant;
2. otherwise a prefix of a tag or serial number, as an index range (see :func:`_prefix`);
3. and model names and people (by name, and by employee id prefix), looked up first in
   their own — small — tables with a text index (``kretslopp.core.textsearch``), the
   assets then fetched by the foreign-key indexes.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import Q, QuerySet

from kretslopp.core.textsearch import MIN_INDEXED_LENGTH, contains
from kretslopp.organisation.models import Person

#: The highest code point: a prefix followed by it sorts after every string with the prefix.
_TOP = "\U0010ffff"


def search_assets(assets: QuerySet, text: str) -> QuerySet:
    """The assets of ``assets`` that ``text`` names (all of them for an empty text)."""
    text = text.strip()
    if not text:
        return assets
    spellings = sorted({text, text.upper(), text.lower()})
    exact = assets.filter(Q(asset_tag__in=spellings) | Q(serial_number__in=spellings))
    if exact.exists():
        return exact
    from kretslopp.inventory.models import ProductModel  # the models module imports this one

    vendor = connections[assets.db].vendor
    wanted = Q()
    for spelling in spellings:
        wanted |= _prefix("asset_tag", spelling, vendor)
        wanted |= _prefix("serial_number", spelling, vendor)
    models = contains(ProductModel.objects.all(), "name", text)
    model_ids = list(models.values_list("pk", flat=True))
    if model_ids:
        wanted |= Q(model_id__in=model_ids)
    # By employee id prefix, and by name: one query, but as a UNION so that each half is
    # served by its own index (OR-ed, SQLite scans every person: 5 ms at 43,000 people).
    by_identifier = Q()
    for spelling in spellings:
        by_identifier |= _prefix("identifier", spelling, vendor)
    people = Person.objects.filter(by_identifier).order_by().values_list("pk", flat=True)
    if len(text) >= MIN_INDEXED_LENGTH:
        named = contains(Person.objects.all(), "name", text).order_by()
        people = people.union(named.values_list("pk", flat=True))
    person_ids = list(people)
    if person_ids:
        wanted |= Q(assignee_id__in=person_ids)
    return assets.filter(wanted)


def _prefix(field: str, prefix: str, vendor: str) -> Q:
    """``field`` starts with ``prefix``, in a form the engine's index on ``field`` serves.

    PostgreSQL: ``LIKE 'prefix%'``, served by the ``varchar_pattern_ops`` index Django makes
    beside a unique or ``db_index`` text column, whatever the database's collation. SQLite:
    its ``LIKE`` ignores case and so cannot use an ordinary index; a range on the column
    (binary order, SQLite's default) can.
    """
    if vendor == "postgresql":
        return Q(**{f"{field}__startswith": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + _TOP})
