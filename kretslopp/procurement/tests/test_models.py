"""The stored library is the shipped one, and the core records fit together."""

from __future__ import annotations

import pytest

from kretslopp.procurement.models import Criterion, LabelTier
from kretslopp.procurement.seeding import seed_library
from kretslopp.tendering import library

pytestmark = pytest.mark.django_db


def test_the_shipped_library_is_seeded():
    assert set(Criterion.objects.values_list("criterion_id", flat=True)) == set(library().criteria)
    assert LabelTier.objects.count() == len(library().labels)
    criterion = Criterion.objects.get(criterion_id="upph-11185")
    assert criterion.origin == "shipped"
    assert criterion.check_value == 3
    assert criterion.accepted_proof == ["tco-certified", "eu-ecolabel", "blue-angel"]


def test_seeding_again_keeps_an_edited_row():
    criterion = Criterion.objects.get(criterion_id="upph-11185")
    criterion.title_sv = "Reservdelar (vår läsning)"
    criterion.version = 2
    criterion.save()
    seed_library()
    criterion.refresh_from_db()
    assert criterion.title_sv == "Reservdelar (vår läsning)"
