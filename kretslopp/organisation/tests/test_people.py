"""People, logins and roles managed in the app by administrators, and one's own account."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from kretslopp.conftest import PASSWORD, make_user, save_over_a_colleague
from kretslopp.core.models import AuditEntry
from kretslopp.organisation.access import access_for
from kretslopp.organisation.models import Department, Membership, Partner, Role

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long walk by the sea 7"


def _link(response) -> str:
    """The one-time link shown on the page (as its path)."""
    found = re.search(r'value="http://testserver(/password/[^"]+)"', response.text)
    assert found, response.text[:2000]
    return found.group(1)


def _password_login(client, username: str, password: str) -> bool:
    """Log in through the login page, as a person does (the lockout needs the request)."""
    client.logout()
    client.post(reverse("login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session


def _create(client, **fields):
    data = {"username": "kim", "first_name": "Kim", "last_name": "Berg", "email": "kim@x.se",
            "role": "coordinator"} | fields  # fmt: skip
    return client.post(reverse("organisation:person_create"), data)


def test_an_administrator_creates_a_coordinator_who_sets_a_password_once(town, client, login):
    login(town.users["administrator"])
    response = _create(client, departments=[town.own.pk])
    assert response.status_code == 200
    assert "Inloggningen kim är skapad" in response.text
    assert "Inget mejl skickades" in response.text
    path = _link(response)
    kim = get_user_model().objects.get(username="kim")
    assert not kim.has_usable_password()
    assert access_for(kim).department_ids == {town.own.pk}
    audited = AuditEntry.objects.filter(actor=town.users["administrator"])
    assert {"username", "role", "departments"} <= {n for e in audited for n in e.changes}
    # The link, in another browser: choose a password, then log in with it.
    client.logout()
    form = client.get(path, follow=True)
    assert "Välj ditt lösenord" in form.text
    too_short = client.post(form.redirect_chain[-1][0], {"new_password1": "kort1234",
                                                          "new_password2": "kort1234"})  # fmt: skip
    assert "minst 12 tecken" in too_short.text
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert _password_login(client, "kim", NEW_PASSWORD)
    client.logout()
    again = client.get(path, follow=True)
    assert "Länken fungerar inte längre" in again.text


def test_the_link_is_mailed_where_mail_is_configured(town, client, login, settings):
    settings.EMAIL_HOST = "smtp.teststad.se"
    login(town.users["administrator"])
    response = _create(client, departments=[town.own.pk])
    assert "Länken skickades också till kim@x.se" in response.text
    assert mail.outbox[0].to == ["kim@x.se"]
    assert _link(response).split("/")[-3] in mail.outbox[0].body


@pytest.mark.parametrize(
    "fields, field, message",
    [
        (
            {"role": "coordinator"},
            "departments",
            "En förvaltningssamordnare behöver en förvaltning.",
        ),
        ({"role": "viewer"}, "departments", "Välj vilka förvaltningar läsaren ser"),
        ({"role": "partner"}, "partner", "En partnerinloggning behöver sin återtagspartner."),
        ({"username": "COORD", "role": "procurement"}, "username", "Det finns redan en inloggning"),
    ],
)
def test_a_login_is_refused_without_what_its_role_needs(
    town, client, login, fields, field, message
):
    login(town.users["administrator"])
    response = _create(client, **fields)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not get_user_model().objects.filter(email="kim@x.se").exists()


def test_a_coordinator_of_a_department_covers_its_sub_departments(town, client, login):
    unit = Department.objects.create(code="GRF-S", name="Skolenheten", parent=town.own)
    login(town.users["administrator"])
    form = client.get(reverse("organisation:person_create")).text
    assert "Grundskoleförvaltningen › Skolenheten" in form
    _create(client, departments=[town.own.pk])
    kim = get_user_model().objects.get(username="kim")
    assert access_for(kim).department_ids == {town.own.pk, unit.pk}


def test_changing_a_role_is_audited_and_guarded_against_stale_edits(town, client):
    coordinator = town.users["coordinator"]
    url = reverse("organisation:person", args=[coordinator.pk])
    other_admin = make_user("admin2", Role.ADMINISTRATOR)
    response, _sent = save_over_a_colleague(
        client, url, me=town.users["administrator"], colleague=other_admin,
        mine={"role": "viewer", "departments": [town.own.pk]},
        theirs={"role": "coordinator", "departments": [town.own.pk, town.other.pk]},
    )  # fmt: skip
    assert response.status_code == 200
    assert "admin2 ändrade uppgifterna" in " ".join(response.context["form"].non_field_errors())
    assert Membership.objects.get(user=coordinator).role == "coordinator"
    entry = AuditEntry.objects.filter(actor=other_admin, changes__has_key="departments").last()
    assert entry.changes["departments"] == ["GRF", "GRF, MF"]


def test_a_deactivated_login_loses_its_session_and_api_tokens_at_once(town, client, login,
                                                                      api_as):  # fmt: skip
    coordinator = town.users["coordinator"]
    api = api_as(coordinator, "read")
    assert api.get("/api/v1/assets").status_code == 200
    assert _password_login(client, "coord", PASSWORD)
    assert client.get(reverse("inventory:assets")).status_code == 200
    admin = login_as_second_client(town.users["administrator"])
    deactivate = reverse("organisation:person_active", args=[coordinator.pk])
    assert admin.post(deactivate, {"active": "0"}).status_code == 302
    assert client.get(reverse("inventory:assets")).status_code == 302  # to the login page
    assert api.get("/api/v1/assets").status_code == 401
    assert not _password_login(client, "coord", PASSWORD)
    admin.post(deactivate, {"active": "1"})
    assert _password_login(client, "coord", PASSWORD)
    assert AuditEntry.objects.filter(changes__has_key="login_active").count() == 2


def test_a_role_changed_by_an_administrator_applies_at_the_next_page(town, client, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    coordinator = town.users["coordinator"]
    login(coordinator)
    assert client.get(reverse("inventory:asset_create")).status_code == 200
    Membership.objects.filter(user=coordinator).update(role=Role.VIEWER)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("inventory:asset_create")).status_code == 403
    # the login and its role come from the database in one query, on every request
    assert not [q for q in queries if 'FROM "organisation_membership"' in q["sql"]]


def login_as_second_client(user):
    from django.test import Client

    other = Client()
    other.force_login(user)
    return other


def test_an_administrator_cannot_deactivate_their_own_login(town, client, login):
    admin = town.users["administrator"]
    login(admin)
    client.post(reverse("organisation:person_active", args=[admin.pk]), {"active": "0"})
    admin.refresh_from_db()
    assert admin.is_active


def test_a_password_link_replaces_the_password_once_used(town, client, login):
    url = reverse("organisation:person_password_link", args=[town.users["viewer"].pk])
    login(town.users["administrator"])
    path = _link(client.post(url))
    # The old password works until the link is used; signing in with it voids the link.
    assert _password_login(client, "viewer", PASSWORD)
    client.logout()
    assert "Länken fungerar inte längre" in client.get(path, follow=True).text
    login(town.users["administrator"])
    path = _link(client.post(url))
    client.logout()
    form = client.get(path, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD,
                                             "new_password2": NEW_PASSWORD})  # fmt: skip
    assert not _password_login(client, "viewer", PASSWORD)
    assert _password_login(client, "viewer", NEW_PASSWORD)


def test_the_people_list_searches_filters_and_pages(town, client, login):
    for n in range(60):
        make_user(f"person{n:02d}", Role.VIEWER, [town.own])
    login(town.users["administrator"])
    first = client.get(reverse("organisation:people"))
    assert "Sida 1 av 2" in first.text
    found = client.get(reverse("organisation:people"), {"q": "coord"})
    assert [u.username for u in found.context["page"]] == ["coord"]
    none = client.get(reverse("organisation:people"), {"role": "none"})
    assert [u.username for u in none.context["page"]] == ["nobody"]
    nothing = client.get(reverse("organisation:people"), {"q": "zzz"})
    assert "Ingen inloggning matchar filtren." in nothing.text


def test_a_partner_is_created_with_its_login_from_the_same_pages(town, client, login):
    login(town.users["administrator"])
    response = client.post(reverse("organisation:partner_create"),
                           {"name": "Inrego AB", "kind": "refurbisher"})  # fmt: skip
    partner = Partner.objects.get(name="Inrego AB")
    assert response["Location"] == partner.get_absolute_url()
    form = client.get(reverse("organisation:person_create"), {"partner": partner.pk})
    assert form.context["form"].initial == {"role": "partner", "partner": partner.pk}
    _create(client, username="inrego", role="partner", partner=partner.pk)
    page = client.get(partner.get_absolute_url())
    assert "inrego" in page.text
    assert access_for(get_user_model().objects.get(username="inrego")).partner_id == partner.pk


def test_everyone_changes_their_own_password_with_the_validators(town, client, login):
    login(town.users["partner"])
    url = reverse("organisation:password_change")
    short = client.post(url, {"old_password": PASSWORD, "new_password1": "kort",
                              "new_password2": "kort"})  # fmt: skip
    assert "minst 12 tecken" in short.text
    done = client.post(url, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                             "new_password2": NEW_PASSWORD})  # fmt: skip
    assert done["Location"] == reverse("organisation:account")
    assert AuditEntry.objects.filter(actor=town.users["partner"], changes__has_key="password")
    assert client.get(reverse("organisation:account")).status_code == 200  # still signed in


def test_one_lists_and_revokes_ones_own_api_tokens_only(town, client, login, token_for):
    mine, _secret = token_for(town.users["coordinator"], "read")
    theirs, _other = token_for(town.users["viewer"], "read")
    login(town.users["coordinator"])
    page = client.get(reverse("organisation:account"))
    assert mine.prefix in page.text and theirs.prefix not in page.text
    assert client.post(reverse("organisation:token_revoke", args=[theirs.pk])).status_code == 404
    client.post(reverse("organisation:token_revoke", args=[mine.pk]))
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None


def test_a_login_without_a_role_is_told_whom_to_ask(town, client, login):
    admin = town.users["administrator"]
    admin.first_name, admin.email = "Ada", "ada@teststad.se"
    admin.save()
    login(town.users["no_role"])
    page = client.get(reverse("home"), follow=True)
    assert page.status_code == 200
    assert "Din inloggning har ingen roll ännu" in page.text
    assert "ada@teststad.se" in page.text


def test_createadmin_gives_a_fresh_install_its_first_administrator(db, monkeypatch, client):
    answers = iter(["short", "short", NEW_PASSWORD, NEW_PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("createadmin", "ida", "--email", "ida@teststad.se")
    ida = get_user_model().objects.get(username="ida")
    assert access_for(ida).role == "administrator"
    assert _password_login(client, "ida", NEW_PASSWORD)
    assert client.get(reverse("organisation:people")).status_code == 200
    with pytest.raises(CommandError, match="already a login named IDA"):
        call_command("createadmin", "IDA", "--no-input")


def test_createsuperuser_makes_an_administrator(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", NEW_PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("createsuperuser", "--no-input", username="root", email="root@x.se")
    assert Membership.objects.get(user__username="root").role == "administrator"


def test_with_local_login_off_only_break_glass_administrators_use_a_password(town, client,
                                                                             settings):  # fmt: skip
    settings.LOCAL_LOGIN = False
    assert _password_login(client, "coord", PASSWORD)  # no provider: passwords still work
    settings.OIDC_ISSUER, settings.OIDC_RP_CLIENT_ID = "https://idp.teststad.se", "kretslopp"
    assert not _password_login(client, "coord", PASSWORD)
    assert _password_login(client, "admin", PASSWORD)
    Membership.objects.filter(user__username="admin").update(from_claims=True)
    client.logout()
    assert not _password_login(client, "admin", PASSWORD)


def test_a_fresh_install_adds_its_departments(db, client, login):
    admin = make_user("ida", Role.ADMINISTRATOR)
    login(admin)
    empty = client.get(reverse("organisation:departments"))
    assert "Lägg till den första med ”Ny förvaltning”." in empty.text
    new = {"name": "Miljöförvaltningen", "code": "MF", "employees": "400"}
    response = client.post(reverse("organisation:department_create"), new)
    assert response["Location"] == reverse("organisation:department", args=["MF"])


def test_the_people_pages_are_in_the_registered_navigation(town, client, login):
    from kretslopp.core.registry import registry

    entry = registry.navigation["organisation:people"]
    assert entry.allowed(access_for(town.users["administrator"]))
    assert not entry.allowed(access_for(town.users["sustainability_lead"]))
    login(town.users["administrator"])
    assert 'href="/people/"' in client.get(reverse("organisation:departments")).text
