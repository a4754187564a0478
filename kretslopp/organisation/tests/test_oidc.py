"""Sign-in with an identity provider, end to end against a real provider on loopback.

Every test goes through the real redirect flow (our login → the provider → our callback,
with state, nonce and PKCE) and the real token exchange; only the consent click is made
with ``requests`` instead of a browser (``test_sign_in_browser.py`` clicks it in Chromium).
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from kretslopp.conftest import ROLES
from kretslopp.organisation.access import access_for
from kretslopp.organisation.models import ClaimRule, Membership, Partner, SignInIdentity
from kretslopp.organisation.tests.oidc_provider import sign_in

pytestmark = pytest.mark.django_db

TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"


def _rule(value: str, role: str, departments=(), **extra) -> ClaimRule:
    rule = ClaimRule.objects.create(
        kind=extra.pop("kind", "roles"), value=value, role=role, **extra
    )
    rule.departments.set(departments)
    return rule


def _anna(provider, **claims) -> None:
    provider.add_user(
        "anna-sub",
        **{
            "tid": TENANT,
            "oid": "0b1e0a8c-anna",
            "preferred_username": "anna@teststad.se",
            "name": "Anna Andersson",
            "email": "anna@teststad.se",
            "roles": ["Kretslopp.Coordinator.GRF"],
            **claims,
        },
    )


def test_an_app_role_signs_in_a_coordinator_of_her_department(town, client, oidc_provider):
    _rule("Kretslopp.Coordinator.GRF", "coordinator", [town.own])
    _anna(oidc_provider)
    response = sign_in(client, oidc_provider, "anna-sub")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert oidc_provider.methods_seen[-1] == "S256"  # PKCE, checked by the provider
    user = get_user_model().objects.get(sign_in_identities__subject=f"{TENANT}:0b1e0a8c-anna")
    assert (user.username, user.get_full_name(), user.email) == (
        "anna@teststad.se", "Anna Andersson", "anna@teststad.se"
    )  # fmt: skip
    assert not user.has_usable_password()
    access = access_for(user)
    assert access.role == "coordinator" and access.department_ids == {town.own.pk}
    page = client.get(reverse("inventory:assets"))
    assert town.own_asset.asset_tag in page.text
    assert town.other_asset.asset_tag not in page.text


def test_the_person_is_matched_on_stable_ids_never_on_e_mail(town, client, oidc_provider):
    _rule("Kretslopp.Coordinator.GRF", "coordinator", [town.own])
    _anna(oidc_provider)
    sign_in(client, oidc_provider, "anna-sub")
    # Married, renamed, new address: still the same person to the provider (tid + oid).
    _anna(oidc_provider, email="anna.berg@teststad.se", preferred_username="anna.berg@teststad.se")
    client.logout()
    assert sign_in(client, oidc_provider, "anna-sub").status_code == 302
    users = get_user_model().objects.filter(sign_in_identities__isnull=False)
    assert [u.email for u in users] == ["anna.berg@teststad.se"]
    # Someone else later given Anna's old address is someone else.
    oidc_provider.add_user(
        "other-sub", tid=TENANT, oid="other-oid", email="anna@teststad.se",
        preferred_username="anna2@teststad.se", roles=["Kretslopp.Coordinator.GRF"],
    )  # fmt: skip
    client.logout()
    sign_in(client, oidc_provider, "other-sub")
    assert get_user_model().objects.filter(sign_in_identities__isnull=False).count() == 2


def test_changes_at_the_provider_take_effect_at_the_next_sign_in(town, client, oidc_provider):
    _rule("Kretslopp.Coordinator.GRF", "coordinator", [town.own])
    _rule("Kretslopp.Viewer", "viewer", all_departments=True)
    _anna(oidc_provider)
    sign_in(client, oidc_provider, "anna-sub")
    user = get_user_model().objects.get(username="anna@teststad.se")
    _anna(oidc_provider, roles=["Kretslopp.Viewer"])
    client.logout()
    sign_in(client, oidc_provider, "anna-sub")
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.all_departments, membership.from_claims) == (
        "viewer", True, True
    )  # fmt: skip
    # No role any more: refused, and the role she had is gone.
    _anna(oidc_provider, roles=[])
    client.logout()
    refused = sign_in(client, oidc_provider, "anna-sub")
    assert refused.status_code == 403
    assert "Din inloggning har ingen roll i Kretslopp" in refused.text
    assert not Membership.objects.filter(user=user).exists()
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_someone_without_a_mapped_role_is_refused_politely(town, client, oidc_provider):
    _rule("Kretslopp.Coordinator.GRF", "coordinator", [town.own])
    town.users["administrator"].first_name = "Ada"
    town.users["administrator"].email = "ada@teststad.se"
    town.users["administrator"].save()
    _anna(oidc_provider, roles=["Some.Other.App"])
    refused = sign_in(client, oidc_provider, "anna-sub")
    assert refused.status_code == 403
    assert "ingen av dina approller eller grupper ger en roll" in refused.text
    assert "ada@teststad.se" in refused.text  # whom to ask
    assert not get_user_model().objects.filter(username="anna@teststad.se").exists()
    assert "_auth_user_id" not in client.session


def test_a_tampered_token_is_refused(town, client, oidc_provider):
    _rule("Kretslopp.Coordinator.GRF", "coordinator", [town.own])
    _rule("Kretslopp.Administrator", "administrator")
    _anna(oidc_provider)
    oidc_provider.tamper_with = {"roles": ["Kretslopp.Administrator"]}
    refused = sign_in(client, oidc_provider, "anna-sub")
    assert refused.status_code == 403
    assert "Inloggningen kunde inte bekräftas" in refused.text
    assert "_auth_user_id" not in client.session
    assert not Membership.objects.filter(role="administrator", from_claims=True).exists()


def test_group_overage_is_explained(town, client, oidc_provider, settings):
    settings.OIDC_GROUPS_CLAIM = "groups"
    _rule("grp-1", "viewer", [town.own], kind="groups")
    _anna(
        oidc_provider,
        roles=[],
        _claim_names={"groups": "src1"},
        _claim_sources={
            "src1": {"endpoint": "https://graph.microsoft.com/v1.0/me/getMemberObjects"}
        },
    )
    refused = sign_in(client, oidc_provider, "anna-sub")
    assert refused.status_code == 403
    assert "Kretslopp kan inte läsa dina grupper" in refused.text


def test_a_group_maps_where_groups_are_configured(town, client, oidc_provider, settings):
    settings.OIDC_GROUPS_CLAIM = "groups"
    _rule("grp-1", "viewer", [town.own], kind="groups")
    _anna(oidc_provider, roles=[], groups=["grp-0", "grp-1"])
    assert sign_in(client, oidc_provider, "anna-sub").status_code == 302
    user = get_user_model().objects.get(username="anna@teststad.se")
    assert access_for(user).department_ids == {town.own.pk}


def test_without_create_users_only_prepared_logins_sign_in(town, client, oidc_provider, settings):
    from django.core.management import call_command

    settings.OIDC_CREATE_USER = False
    _anna(oidc_provider, roles=[])
    refused = sign_in(client, oidc_provider, "anna-sub")
    assert "Det finns ingen inloggning för dig i Kretslopp" in refused.text
    call_command("createadmin", "anna", "--from-oidc", "--idp-username", "ANNA@teststad.se")
    response = sign_in(client, oidc_provider, "anna-sub")
    assert response.status_code == 302
    identity = SignInIdentity.objects.get(user__username="anna")
    assert (identity.subject, identity.pending_username) == (f"{TENANT}:0b1e0a8c-anna", "")
    # A role given by hand (the first administrator) is not taken away by the claims.
    assert access_for(identity.user).role == "administrator"


def test_a_deactivated_login_loses_its_session_at_once(town, client, oidc_provider):
    _rule("Kretslopp.Coordinator.GRF", "coordinator", [town.own])
    _anna(oidc_provider)
    sign_in(client, oidc_provider, "anna-sub")
    assert client.get(reverse("inventory:assets")).status_code == 200
    get_user_model().objects.filter(username="anna@teststad.se").update(is_active=False)
    assert client.get(reverse("inventory:assets")).status_code == 302


def test_signing_out_ends_the_session_at_the_provider_too(town, client, oidc_provider):
    _rule("Kretslopp.Coordinator.GRF", "coordinator", [town.own])
    _anna(oidc_provider)
    sign_in(client, oidc_provider, "anna-sub")
    id_token = client.session["oidc_id_token"]
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{oidc_provider.url}/oauth2/end_session?")
    assert f"id_token_hint={id_token}" in response["Location"]
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Flogin%2F" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_the_login_page_offers_the_provider_and_passwords_as_configured(client, oidc_provider,
                                                                         settings):  # fmt: skip
    page = client.get(reverse("login")).text
    assert "Logga in med Teststadens konto" in page
    assert "Administratörer: logga in med lösenord" not in page
    settings.LOCAL_LOGIN = False
    page = client.get(reverse("login")).text
    assert "Administratörer: logga in med lösenord" in page


# --- the route matrix for logins the identity provider created -------------------------------

#: The rule each role's OIDC login is given by (value, role, departments, all, partner).
OIDC_ROLES = [role for role in ROLES if role != "no_role"]


@pytest.mark.parametrize("column", range(len(OIDC_ROLES)), ids=OIDC_ROLES)
def test_logins_created_at_sign_in_answer_every_route_as_the_matrix_says(
    town, world, client, oidc_provider, column
):
    from kretslopp.organisation.tests import test_route_matrix as matrix

    role = OIDC_ROLES[column]
    partner = Partner.objects.get(name="Inrego AB (test)")
    kind = {
        "viewer_all": dict(role="viewer", all_departments=True),
        "coordinator": dict(role="coordinator"),
        "viewer": dict(role="viewer"),
        "partner": dict(role="partner", partner=partner),
    }.get(role, dict(role=role))
    departments = [town.own] if role in ("coordinator", "viewer") else []
    _rule(f"Kretslopp.{role}", departments=departments, **kind)
    claims = {"tid": TENANT, "oid": f"{role}-oid", "roles": [f"Kretslopp.{role}"]}
    oidc_provider.add_user(f"{role}-sub", preferred_username=f"{role}@teststad.se", **claims)
    assert sign_in(client, oidc_provider, f"{role}-sub").status_code == 302
    got = matrix._answers(client, world.ids, matrix.ROUTES)
    expected = {name: int(answers.split()[column]) for name, (_m, answers) in matrix.ROUTES.items()}
    if role == "administrator":
        # The probes' import jobs (of the register of measures too), export and API token
        # are the town administrator's own; to another administrator they are someone
        # else's, which look missing (404) like to anyone.
        for name in matrix.ROUTES:
            owned = {"job", "register_job", "export_job", "token"}
            if owned & set(_records_named(matrix, name)):
                expected[name] = 404
    assert got == expected


def _records_named(matrix, name: str) -> list[str]:
    """The probe records route ``name`` names in its URL."""
    records = []
    for parameter in matrix._patterns()[name].pattern.converters:
        if parameter == "pk":
            records.append(matrix.PK_RECORD.get(name) or matrix.PK_RECORD.get(name.split(":")[0]))
        else:
            records.append(matrix.PARAMETER_RECORD.get(parameter))
    return records
