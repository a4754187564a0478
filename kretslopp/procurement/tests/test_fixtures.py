"""The four bidders' forms in the fixtures import through the pipeline and evaluate."""

from __future__ import annotations

import pytest

from kretslopp.imports import pipeline
from kretslopp.imports.runs import open_file
from kretslopp.organisation.access import access_for
from kretslopp.procurement import evaluation as service
from kretslopp.procurement.models import OfferLine
from kretslopp.procurement.offerform import OfferFormTarget

from .factories import BIDDER_FILES, FIXTURES, laptops_and_mobiles

pytestmark = pytest.mark.django_db


def _import(procurement, name: str, user) -> pipeline.ImportResult:
    path = FIXTURES / f"{name}.xlsx"
    table = open_file(path.read_bytes(), path.name)
    target = OfferFormTarget(procurement)
    context = pipeline.Context(access=access_for(user), actor=user, file_name=path.name)
    return pipeline.run(table, target, target.suggest_mapping(table.headers), context)


def test_the_four_bidders_forms_import_and_rank(town):
    procurement = laptops_and_mobiles()
    user = town.users["procurement"]
    broken = _import(procurement, "bravo-with-error", user)
    assert broken.status == "rejected"
    assert {(p.row, p.column) for p in broken.problems} == {
        (2, "Pris per enhet (kr exkl. moms)"),
        (3, "Modell"),
    }
    assert not OfferLine.objects.exists()
    for name in BIDDER_FILES:
        assert _import(procurement, name, user).status == "committed", name
    result = service.run(procurement).as_dict()
    delta = next(line for line in result["results"] if line["ref"] == "Delta Digital AB/D1")
    assert delta["excluded"]
    assert [r["criterion_id"] for r in delta["requirements"] if not r["passed"]] == ["upph-11185"]
    assert set(result["rankings"]) == {"laptop", "mobile"}
    assert len(result["rankings"]["laptop"]["value_deduction"]) == 3
    mobile = next(line for line in result["results"] if line["ref"] == "Bravo Data AB/B2")
    assert mobile["units"] == 1200
    assert mobile["co2e"]["embodied_basis"] == "category_default"
