"""Who may see and do what: the one place that decides it.

Every view, export, API route and import asks :func:`access_for` and then either
``access.scope(queryset)`` (rows the user may read) or ``access.require(action, department)``
(a write). Nothing else in the code looks at roles or department lists, so the rules
below are the whole policy, and ``tests/test_access_matrix.py`` checks them as a matrix.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from kretslopp.organisation.models import Department, Membership, Role


class Action(StrEnum):
    VIEW = "view"  # read records of the departments in scope
    EDIT_ASSETS = "edit_assets"  # create, change and move assets in scope
    EDIT_CATALOGUE = "edit_catalogue"  # manufacturers and product models
    EDIT_ORGANISATION = "edit_organisation"  # departments, locations, people, logins
    MANAGE_METHODOLOGY = "manage_methodology"  # factor choices, targets
    VIEW_AUDIT = "view_audit"  # read the audit trail of records in scope
    MANAGE_TAKEBACK = "manage_takeback"  # campaigns, hand-overs, reconciliation, closing
    REPORT_TAKEBACK = "report_takeback"  # a partner's processing results on its campaigns


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.ADMINISTRATOR: frozenset(Action),
    Role.SUSTAINABILITY_LEAD: frozenset(
        {
            Action.VIEW,
            Action.MANAGE_METHODOLOGY,
            Action.VIEW_AUDIT,
            Action.MANAGE_TAKEBACK,
            Action.REPORT_TAKEBACK,
        }
    ),
    Role.PROCUREMENT: frozenset({Action.VIEW, Action.EDIT_CATALOGUE, Action.VIEW_AUDIT}),
    Role.COORDINATOR: frozenset({Action.VIEW, Action.EDIT_ASSETS, Action.VIEW_AUDIT}),
    Role.VIEWER: frozenset({Action.VIEW}),
    # A partner works on its own take-back campaigns only, never on the inventory.
    Role.PARTNER: frozenset({Action.REPORT_TAKEBACK}),
}
ORGANISATION_WIDE_ROLES = {Role.ADMINISTRATOR, Role.SUSTAINABILITY_LEAD, Role.PROCUREMENT}
# Actions that concern the organisation as a whole rather than one department's records.
ORGANISATION_ACTIONS = {
    Action.EDIT_CATALOGUE,
    Action.EDIT_ORGANISATION,
    Action.MANAGE_METHODOLOGY,
    Action.MANAGE_TAKEBACK,
    Action.REPORT_TAKEBACK,
}


@dataclass(frozen=True)
class Access:
    """What one user may do; ``department_ids`` None means every department.

    ``partner_id`` is set for partner logins only: the take-back partner whose campaigns
    (and their items) are the whole of what such a login may see.
    """

    role: str | None
    department_ids: frozenset[int] | None
    partner_id: int | None = None

    @property
    def all_departments(self) -> bool:
        return self.department_ids is None

    def can(self, action: Action, department_id: int | None = None) -> bool:
        if self.role is None or action not in ROLE_ACTIONS.get(self.role, frozenset()):
            return False
        if action in ORGANISATION_ACTIONS or department_id is None:
            return True
        return self.covers(department_id)

    def may_read_audit_log(self) -> bool:
        """The organisation-wide audit log: for those who read the trail of every department.

        Department-bound readers see each record's own history on its page instead: a log
        entry does not always say which department its record belongs to.
        """
        return self.can(Action.VIEW_AUDIT) and self.department_ids is None

    def may_read_methodology(self) -> bool:
        """The method behind the figures is public knowledge: every role reads it, a take-back
        partner too (it explains the avoided CO2e shown on the partner's own campaigns)."""
        return self.role is not None

    def covers(self, department_id: int | None) -> bool:
        if self.department_ids is None:
            return True
        return department_id is not None and department_id in self.department_ids

    def require(self, action: Action, department_id: int | None = None) -> None:
        """Refuse with 403 unless the user may do ``action`` (in ``department_id``)."""
        if not self.can(action, department_id):
            raise PermissionDenied

    def scope(self, queryset: QuerySet, department_field: str = "department") -> QuerySet:
        """The rows of ``queryset`` the user may read."""
        if self.role is None or Action.VIEW not in ROLE_ACTIONS.get(self.role, frozenset()):
            return queryset.none()
        if self.department_ids is None:
            return queryset
        return queryset.filter(**{f"{department_field}__in": self.department_ids})

    def scope_with_organisation_wide(
        self, queryset: QuerySet, department_field: str = "department"
    ) -> QuerySet:
        """The rows of the user's departments and the organisation's own (no department).

        An organisation-wide record, such as the city's −30 % energy target, concerns every
        department, so a department-bound reader sees it beside its own departments' records
        (read-only: changing it is an organisation action), and never another department's.
        """
        if self.role is None or Action.VIEW not in ROLE_ACTIONS.get(self.role, frozenset()):
            return queryset.none()
        if self.department_ids is None:
            return queryset
        return queryset.filter(
            Q(**{f"{department_field}__in": self.department_ids})
            | Q(**{f"{department_field}__isnull": True})
        )

    def for_organisation_totals(self) -> Access:
        """The access an organisation-wide figure (an organisation target's actuals) is
        computed with for this reader: read-only, over every department.

        Whoever may read an organisation-wide target reads its figure, the organisation's
        total; a total names no department. Use it for such totals only, never to list rows.
        """
        if self.role is None or Action.VIEW not in ROLE_ACTIONS.get(self.role, frozenset()):
            return NO_ACCESS
        if self.department_ids is None:
            return self
        return ORGANISATION_TOTALS

    def scope_for(
        self, action: Action, queryset: QuerySet, department_field: str = "department"
    ) -> QuerySet:
        """The rows of the departments in which the user may do ``action`` (none if nowhere).

        For example the people a coordinator may assign devices to: those of the departments
        whose assets they may edit.
        """
        if not self.can(action):
            return queryset.none()
        return self.scope(queryset, department_field)

    # --- take-back: the partner dimension ------------------------------------------------

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER

    def scope_campaigns(
        self,
        queryset: QuerySet,
        partner_field: str = "partner",
        departments_field: str = "departments",
    ) -> QuerySet:
        """The take-back campaigns the user may read.

        A partner reads only the campaigns it is the partner of. A department-bound user
        reads the campaigns one of their departments takes part in, and organisation-wide
        ones (no departments listed); organisation-wide roles read them all.
        """
        if self.is_partner:
            if self.partner_id is None:
                return queryset.none()
            return queryset.filter(**{f"{partner_field}_id": self.partner_id})
        if self.role is None or Action.VIEW not in ROLE_ACTIONS.get(self.role, frozenset()):
            return queryset.none()
        if self.department_ids is None:
            return queryset
        taking_part = Q(**{f"{departments_field}__in": self.department_ids}) | Q(
            **{f"{departments_field}__isnull": True}
        )
        return queryset.filter(pk__in=queryset.filter(taking_part).values("pk"))

    def scope_campaign_items(
        self,
        queryset: QuerySet,
        partner_field: str = "campaign__partner",
        department_field: str = "department",
    ) -> QuerySet:
        """Collected items the user may read: a partner's campaigns, else by department."""
        if self.is_partner:
            if self.partner_id is None:
                return queryset.none()
            return queryset.filter(**{f"{partner_field}_id": self.partner_id})
        return self.scope(queryset, department_field)

    def may_report_for(self, partner_id: int | None) -> bool:
        """Whether the user may enter processing results for a campaign of ``partner_id``."""
        if not self.can(Action.REPORT_TAKEBACK):
            return False
        return not self.is_partner or (
            self.partner_id is not None and self.partner_id == partner_id
        )

    def departments(self) -> QuerySet:
        return self.scope(Department.objects.all(), department_field="pk")

    def get(self, queryset: QuerySet, department_field: str = "department", **lookup: Any) -> Model:
        """One row in scope, or 404: a record outside scope looks exactly like a missing one."""
        found = self.scope(queryset, department_field).filter(**lookup).first()
        if found is None:
            raise Http404
        return found


NO_ACCESS = Access(role=None, department_ids=frozenset())
#: Reads every department and writes nothing: what organisation-wide totals are computed with.
ORGANISATION_TOTALS = Access(role=Role.VIEWER, department_ids=None)


def _with_descendants(roots: Iterable[int]) -> frozenset[int]:
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Department.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found: set[int] = set()
    pending = list(roots)
    while pending:
        pk = pending.pop()
        if pk not in found:
            found.add(pk)
            pending.extend(children.get(pk, []))
    return frozenset(found)


def access_for(user: Any) -> Access:
    """The access of ``user``, computed once per request and cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_kretslopp_access", None)
    if cached is not None:
        return cached
    membership = Membership.objects.filter(user=user).first()
    if membership is None:
        access = NO_ACCESS
    elif membership.role == Role.PARTNER:
        access = Access(
            role=membership.role, department_ids=frozenset(), partner_id=membership.partner_id
        )
    elif membership.role in ORGANISATION_WIDE_ROLES or (
        membership.role == Role.VIEWER and membership.all_departments
    ):
        access = Access(role=membership.role, department_ids=None)
    else:
        roots = membership.departments.values_list("pk", flat=True)
        access = Access(role=membership.role, department_ids=_with_descendants(roots))
    user._kretslopp_access = access
    return access
