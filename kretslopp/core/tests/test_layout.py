"""The architecture as a test: the engines that need no database do not import Django."""

from __future__ import annotations

import subprocess
import sys

import pytest

PLAIN_PACKAGES = [
    "kretslopp.footprint",
    "kretslopp.footprint.cli",
    "kretslopp.tabular",
    "kretslopp.tabular.mapping",
    "kretslopp.imports.assets.columns",
    "kretslopp.targets",
    "kretslopp.inventory.lifecycle",
]


@pytest.mark.parametrize("module", PLAIN_PACKAGES)
def test_plain_python_packages_load_without_django(module):
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m.startswith('django')))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.django_db
def test_a_partner_sees_its_campaigns_the_method_and_its_account(town, login):
    from django.urls import reverse

    response = login(town.users["partner"]).get(reverse("circular:campaigns"))
    assert response.status_code == 200
    menu = [item["url"] for item in response.context["navigation"]]
    assert menu == [reverse("circular:campaigns"), reverse("carbon:methodology")]
    html = response.content.decode()
    assert "partner" in html and f'action="{reverse("logout")}"' in html
    for url in menu:
        assert login(town.users["partner"]).get(url).status_code == 200
