"""Helpers for import tests: run a file through the pipeline as a given user, count rows."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kretslopp.core.models import AuditEntry
from kretslopp.imports import runs
from kretslopp.imports.pipeline import ImportResult
from kretslopp.inventory.models import Asset, LifecycleEvent, Manufacturer, ProductModel
from kretslopp.organisation.access import access_for
from kretslopp.organisation.models import Location

FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures"
TABULAR_FIXTURES = FIXTURES.parents[2] / "tabular" / "tests" / "fixtures"
COUNTED = (Asset, LifecycleEvent, AuditEntry, ProductModel, Manufacturer, Location)


def db_counts() -> dict[str, int]:
    """Row counts of everything an import may write."""
    return {model.__name__: model.objects.count() for model in COUNTED}


def import_file(
    content: bytes | str,
    name: str = "assets.csv",
    *,
    user=None,
    allow_new_models: bool = False,
    dry_run: bool = False,
    columns: dict[str, str] | None = None,
) -> ImportResult:
    """Import ``content`` as the file ``name``, as ``user`` (None: the command line)."""
    return runs.import_assets(
        content.encode("utf-8") if isinstance(content, str) else content,
        name,
        access=access_for(user) if user is not None else runs.SYSTEM_ACCESS,
        actor=user,
        dry_run=dry_run,
        allow_new_models=allow_new_models,
        columns=columns,
    )


@pytest.fixture
def run_import() -> Callable[..., ImportResult]:
    return import_file


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads and progress files go to a temporary folder, not the project's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
