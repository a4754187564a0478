"""The cyclic garbage collector is paused only while rows are checked, never left off."""

from __future__ import annotations

import gc

import pytest

from kretslopp.imports.assets import target as asset_target
from kretslopp.imports.tests.conftest import import_file

HEADER = "Asset tag,Serial number,Manufacturer,Model,Department\n"
ROW = "MS-1,SN-1,Dell,Latitude 5420,GRF\n"


@pytest.mark.django_db
def test_the_collector_is_paused_while_rows_are_checked_and_back_on_after(town, monkeypatch):
    seen: list[bool] = []
    original = asset_target.AssetTarget.validate

    def validate(target, row):
        seen.append(gc.isenabled())
        return original(target, row)

    monkeypatch.setattr(asset_target.AssetTarget, "validate", validate)
    assert import_file(HEADER + ROW).status == "committed"
    assert seen == [False]
    assert gc.isenabled()


@pytest.mark.django_db
def test_the_collector_is_back_on_after_an_error_in_validation(town, monkeypatch):
    def fail(target, row):
        raise RuntimeError("boom")

    monkeypatch.setattr(asset_target.AssetTarget, "validate", fail)
    with pytest.raises(RuntimeError):
        import_file(HEADER + ROW)
    assert gc.isenabled()
