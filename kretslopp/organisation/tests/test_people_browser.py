"""Into service, in Chromium: a fresh installation without the demo gets its first
administrator, who adds departments, a coordinator and a take-back partner with a login;
each of them sets a password through their one-time link and sees exactly their scope.
And sign-in with the identity provider through the real redirect flow."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("KRETSLOPP_SCREENSHOTS")
ADMIN_PASSWORD = "first admin of the city 2026"


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _log_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Logga in").click()


def _new_login(page, base: str, username: str, **choices) -> str:
    """Fill in "Ny inloggning" (already open) and return the one-time link it shows."""
    page.fill("#id_username", username)
    page.fill("#id_first_name", username.capitalize())
    page.select_option("#id_role", label=choices["role"])
    if "department" in choices:
        page.select_option("#id_departments", label=choices["department"])
    page.get_by_role("button", name="Spara").click()
    page.get_by_text(f"Inloggningen {username} är skapad").wait_for()
    return page.input_value("#password-link")


def _set_password(browser, link: str, password: str):
    """The person's own browser: the link, a password, then the login page."""
    context = browser.new_context(locale="sv-SE", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(link)
    page.fill("#id_new_password1", password)
    page.fill("#id_new_password2", password)
    page.get_by_role("button", name="Spara lösenord").click()
    page.get_by_text("Ditt lösenord är sparat. Logga in med det.").wait_for()
    return context, page


def test_a_fresh_install_is_put_into_service(page, browser, live_server, monkeypatch):
    from django.core.management import call_command

    from kretslopp.circular.models import Campaign
    from kretslopp.conftest import make_asset
    from kretslopp.inventory.models import Manufacturer, ProductModel
    from kretslopp.organisation.models import Department, Partner

    base = live_server.url
    monkeypatch.setenv("KRETSLOPP_ADMIN_PASSWORD", ADMIN_PASSWORD)
    call_command("createadmin", "ida", "--no-input")

    _log_in(page, base, "ida", ADMIN_PASSWORD)
    page.get_by_role("link", name="Förvaltningar").click()
    for code, name in (("GRF", "Grundskoleförvaltningen"), ("MF", "Miljöförvaltningen")):
        page.get_by_role("link", name="Ny förvaltning").click()
        page.fill("#id_name", name)
        page.fill("#id_code", code)
        page.get_by_role("button", name="Spara").click()
        page.get_by_text(f"Förvaltningen {name} lades till.").wait_for()
        page.goto(f"{base}/departments/")
    # The records whose scope is checked (the inventory and take-back have their own pages).
    laptop = ProductModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Dell"), name="Latitude 5420",
        category="laptop",
    )  # fmt: skip
    make_asset("GRF-0001", laptop, Department.objects.get(code="GRF"))
    make_asset("MF-0001", laptop, Department.objects.get(code="MF"))

    page.get_by_role("link", name="Personer").click()
    page.get_by_role("link", name="Ny inloggning").click()
    kim_link = _new_login(
        page, base, "kim", role="It-samordnare på förvaltning", department="Grundskoleförvaltningen"
    )
    _shot(page, "people-link")
    page.goto(f"{base}/partners/")
    page.get_by_role("link", name="Ny återtagspartner").click()
    page.fill("#id_name", "Inrego AB")
    page.get_by_role("button", name="Spara").click()
    page.get_by_text("Partnern Inrego AB lades till.").wait_for()
    page.get_by_role("link", name="Ny inloggning för den här partnern").click()
    assert page.input_value("#id_role") == "partner"
    inrego_link = _new_login(page, base, "inrego", role="Återtagspartner")
    inrego = Partner.objects.get(name="Inrego AB")
    for name, partner in (("Inregos kampanj", inrego), ("Annans kampanj", None)):
        Campaign.objects.create(
            name=name,
            partner=partner or Partner.objects.create(name="Annan Återvinnare AB"),
            starts_on=dt.date(2026, 3, 1),
            ends_on=dt.date(2026, 3, 31),
        )
    page.goto(f"{base}/people/")
    _shot(page, "people-list")

    # The coordinator: her department's devices, not the other's.
    context, kim = _set_password(browser, kim_link, "kims own pass phrase")
    _log_in(kim, base, "kim", "kims own pass phrase")
    kim.goto(f"{base}/assets/")
    kim.get_by_role("link", name="GRF-0001").wait_for()
    assert kim.get_by_text("MF-0001").count() == 0
    kim.goto(f"{base}/departments/")
    assert kim.get_by_role("link", name="Grundskoleförvaltningen").count() == 1
    assert kim.get_by_role("link", name="Miljöförvaltningen").count() == 0
    assert kim.get_by_role("link", name="Personer").count() == 0
    context.close()

    # The partner: its own campaign, nothing of the inventory.
    context, partner = _set_password(browser, inrego_link, "inregos pass phrase")
    _log_in(partner, base, "inrego", "inregos pass phrase")
    partner.get_by_text("Inregos kampanj").wait_for()
    assert partner.get_by_text("Annans kampanj").count() == 0
    assert partner.goto(f"{base}/assets/").status == 403
    context.close()


def test_sign_in_with_the_identity_provider_in_the_browser(page, live_server, oidc_provider):
    from kretslopp.organisation.models import ClaimRule, Department
    from kretslopp.organisation.tests.test_oidc import TENANT

    base = live_server.url
    own = Department.objects.create(code="GRF", name="Grundskoleförvaltningen")
    rule = ClaimRule.objects.create(kind="roles", value="Kretslopp.Coordinator.GRF",
                                    role="coordinator")  # fmt: skip
    rule.departments.set([own])
    oidc_provider.add_user("anna-sub", tid=TENANT, oid="anna-oid", name="Anna Andersson",
                           preferred_username="anna@teststad.se",
                           roles=["Kretslopp.Coordinator.GRF"])  # fmt: skip
    oidc_provider.add_user("bo-sub", tid=TENANT, oid="bo-oid", roles=["Another.App"])

    def through_the_provider(sub: str) -> None:
        page.goto(f"{base}/login/")
        _shot(page, "login-oidc")
        page.get_by_role("link", name="Logga in med Teststadens konto").click()
        page.fill("input[name=sub]", sub)  # the provider's own consent page
        page.get_by_role("button", name="Authorize").click()

    through_the_provider("anna-sub")
    page.get_by_role("link", name="Förvaltningar").wait_for()
    assert page.locator(".who").inner_text() == "anna@teststad.se"
    page.goto(f"{base}/departments/")
    assert page.get_by_role("link", name="Grundskoleförvaltningen").count() == 1

    page.get_by_role("button", name="Logga ut").click()
    page.get_by_role("button", name="End session").click()  # at the provider
    page.get_by_role("heading", name="Logga in i Kretslopp").wait_for()
    assert page.goto(f"{base}/assets/").url.startswith(f"{base}/login/")

    through_the_provider("bo-sub")
    page.get_by_role("heading", name="Din inloggning har ingen roll i Kretslopp").wait_for()
    _shot(page, "oidc-no-role")

    oidc_provider.tamper_with = {"roles": ["Kretslopp.Coordinator.GRF"]}
    through_the_provider("bo-sub")
    page.get_by_role("heading", name="Inloggningen kunde inte bekräftas").wait_for()
    assert page.goto(f"{base}/assets/").url.startswith(f"{base}/login/")
