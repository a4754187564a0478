"""Backups: what was there comes back exactly, and a bad file changes nothing."""

from __future__ import annotations

import builtins
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from kretslopp.conftest import make_asset
from kretslopp.core.models import AuditEntry
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import Asset, LifecycleEvent

pytestmark = pytest.mark.django_db(transaction=True)


def _register() -> dict[str, str]:
    return dict(Asset.objects.values_list("asset_tag", "status"))


def _backup(tmp_path: Path) -> Path:
    path = tmp_path / ("backup.sqlite3" if connection.vendor == "sqlite" else "backup.pgdump")
    call_command("backup", output=path)
    return path


def test_a_restore_brings_back_exactly_the_backed_up_register(town, tmp_path, capsys):
    before, events_before = _register(), LifecycleEvent.objects.count()
    path = _backup(tmp_path)
    assert "Restore with: kretslopp restore" in capsys.readouterr().out
    town.own_asset.move(lifecycle.RETURNED)
    make_asset("MS-NEW", town.laptop, town.own)
    Asset.objects.filter(pk=town.other_asset.pk).delete()
    assert _register() != before

    call_command("restore", str(path), yes=True)

    assert _register() == before
    assert LifecycleEvent.objects.count() == events_before
    restored = AuditEntry.objects.filter(changes__has_key="restored_from_backup")
    assert restored.count() == 1


def test_a_damaged_backup_is_refused_and_the_data_is_unchanged(town, tmp_path):
    path = _backup(tmp_path)
    damaged = tmp_path / f"damaged{path.suffix}"
    content = path.read_bytes()
    damaged.write_bytes(content[: len(content) // 2])
    town.own_asset.move(lifecycle.RETURNED)
    after_move = _register()
    with pytest.raises(CommandError, match="Nothing was restored"):
        call_command("restore", str(damaged), yes=True)
    assert _register() == after_move


def test_a_file_that_is_no_backup_is_refused(town, tmp_path):
    other = tmp_path / "assets.csv"
    other.write_text("Asset tag;Serial\nMS-1;SN-1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not a Kretslopp backup"):
        call_command("restore", str(other), yes=True)
    assert Asset.objects.count() == 2


def test_a_backup_of_the_other_engine_is_refused(town, tmp_path):
    foreign = tmp_path / "foreign"
    magic = b"PGDMP" if connection.vendor == "sqlite" else b"SQLite format 3\x00"
    foreign.write_bytes(magic + b"\x00" * 100)
    with pytest.raises(CommandError, match="cannot be restored into this"):
        call_command("restore", str(foreign), yes=True)


def test_a_backup_never_overwrites_a_file(town, tmp_path):
    path = _backup(tmp_path)
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", output=path)


def test_a_restore_asks_first_and_answering_no_restores_nothing(town, tmp_path, monkeypatch):
    path = _backup(tmp_path)
    town.own_asset.move(lifecycle.RETURNED)
    after_move = _register()
    monkeypatch.setattr(builtins, "input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Nothing was restored"):
        call_command("restore", str(path))
    assert _register() == after_move
