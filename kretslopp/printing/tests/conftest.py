"""Print test data: the fixture logs and a mapping for the test town's two departments."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: The layout of ``fixtures/page_log_custom``.
CUSTOM_FORMAT = "%p|%u|%j|%T|%P|%C|%{print-color-mode}|%{sides}|%{job-name}"


@pytest.fixture
def mapped(town):
    """MF's reception printer and MF's billing code; anv000001 is a GRF person already."""
    from kretslopp.printing.models import PrintMapping

    PrintMapping.objects.create(kind="printer", key="MF-Reception", department=town.other)
    PrintMapping.objects.create(kind="billing_code", key="MF-ekonomi", department=town.other)
    return town


@pytest.fixture(autouse=True)
def _fresh_ledger_memo():
    """Each test starts without ledgers remembered from another test's database."""
    from kretslopp.energy import ledger

    ledger.forget()
    yield
    ledger.forget()
