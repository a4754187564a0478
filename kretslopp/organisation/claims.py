"""Roles from the identity provider: which Kretslopp role a person's claims give.

An administrator maps app roles (Entra ID's ``roles`` claim, preferred: they are assigned to
the application itself and always fit in the token) or groups (the claim named by
``KRETSLOPP_OIDC_GROUPS_CLAIM``) to a role and its departments on the page of
``ClaimRule``. At every sign-in :func:`grant_for` reads the rules that match, and
:func:`apply` writes the result into the login's :class:`Membership`, so a change at the
identity provider takes effect at the next sign-in and a person whose claims no longer map
loses their role. A role an administrator gave by hand (``from_claims`` off) is left alone.
What the role then allows is decided in ``access.py`` alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kretslopp.core import audit
from kretslopp.organisation.models import ClaimKind, ClaimRule, Department, Membership, Role

#: When several rules match, the role that can do most wins (its departments are merged
#: with those of the other rules giving the same role).
ROLE_PRECEDENCE = [
    Role.ADMINISTRATOR,
    Role.SUSTAINABILITY_LEAD,
    Role.PROCUREMENT,
    Role.COORDINATOR,
    Role.VIEWER,
    Role.PARTNER,
]


class GroupOverage(Exception):
    """The token names a source for the groups instead of listing them (Entra ID does so for
    a person in more than 200 groups), and no app role matched: the groups cannot be read."""


@dataclass(frozen=True)
class Grant:
    """What the matching rules give: one role, its departments, its partner."""

    role: str
    department_ids: frozenset[int]
    all_departments: bool
    partner_id: int | None


def _strings(value: Any) -> set[str]:
    """A claim's values as strings: a list, or one value."""
    if value is None:
        return set()
    if isinstance(value, str):
        return {value}
    if isinstance(value, Iterable):
        return {str(item) for item in value}
    return {str(value)}


def has_group_overage(claims: dict[str, Any], groups_claim: str) -> bool:
    """Whether the groups were left out of the token for a reference to fetch them.

    Entra ID then sends ``_claim_names: {"groups": "src1"}`` and ``_claim_sources`` instead
    of the ``groups`` claim itself.
    """
    names = claims.get("_claim_names")
    return groups_claim not in claims and isinstance(names, dict) and groups_claim in names


def grant_for(claims: dict[str, Any], groups_claim: str = "") -> Grant | None:
    """The role the ``claims`` map to, or None; raises :class:`GroupOverage` when only the
    unreadable groups could have given one."""
    values = {ClaimKind.ROLES: _strings(claims.get("roles"))}
    if groups_claim:
        values[ClaimKind.GROUPS] = _strings(claims.get(groups_claim))
    rules = [
        rule
        for rule in ClaimRule.objects.prefetch_related("departments").select_related("partner")
        if rule.value in values.get(rule.kind, set())
    ]
    if not rules:
        if groups_claim and has_group_overage(claims, groups_claim):
            raise GroupOverage
        return None
    role = min((rule.role for rule in rules), key=ROLE_PRECEDENCE.index)
    chosen = sorted((rule for rule in rules if rule.role == role), key=lambda r: r.value)
    partners = [rule.partner_id for rule in chosen if rule.partner_id is not None]
    return Grant(
        role=role,
        department_ids=frozenset(d.pk for rule in chosen for d in rule.departments.all()),
        all_departments=any(rule.all_departments for rule in chosen),
        partner_id=partners[0] if partners else None,
    )


def set_departments(record: Membership | ClaimRule, departments: Iterable[Department | int]):
    """Give ``record`` (a membership or a claim rule) exactly ``departments``, recording the
    change in the audit trail (a many-to-many change sends no save signal)."""
    wanted = {d if isinstance(d, int) else d.pk for d in departments}
    before = set(record.departments.values_list("pk", flat=True))
    if wanted == before:
        return
    record.departments.set(wanted)
    codes = dict(Department.objects.filter(pk__in=wanted | before).values_list("pk", "code"))
    audit.record(
        record,
        "update",
        {
            "departments": [
                ", ".join(sorted(codes[pk] for pk in before)) or None,
                ", ".join(sorted(codes[pk] for pk in wanted)) or None,
            ]
        },
    )


def apply(user: Any, grant: Grant | None) -> Membership | None:
    """Bring ``user``'s membership in line with ``grant`` unless it was given by hand.

    Returns the membership the user now has (None: no role, so no access).
    """
    membership = Membership.objects.filter(user=user).first()
    if membership is not None and not membership.from_claims:
        return membership
    if grant is None:
        if membership is not None:
            membership.delete()
        return None
    if membership is None:
        membership = Membership(user=user, from_claims=True)
    changed = (
        membership.pk is None
        or membership.role != grant.role
        or membership.all_departments != grant.all_departments
        or membership.partner_id != grant.partner_id
    )
    membership.role = grant.role
    membership.all_departments = grant.all_departments
    membership.partner_id = grant.partner_id
    if changed:
        membership.save()
    set_departments(membership, grant.department_ids)
    return membership
