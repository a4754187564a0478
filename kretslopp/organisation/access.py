"""Who may see and do what: the one place that decides it.

Every view, export, API route and import asks :func:`access_for` and then either
``access.scope(queryset)`` (rows the user may read) or ``access.require(action, department)``
(a write). Nothing else in the code looks at roles or department lists, so the rules
below are the whole policy, and ``tests/test_access_matrix.py`` checks them as a matrix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.db.models.functions import Upper
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
    # What another system's names mean here (value mappings) and others' saved column
    # mappings: they decide every later import's outcome, for every department.
    MANAGE_IMPORT_SETTINGS = "manage_import_settings"
    # The sustainability forum: its members, meetings, decisions and register of measures
    # (who reads a forum, and who updates a measure, is in kretslopp/forum/access.py).
    MANAGE_FORUM = "manage_forum"
    # Procurements, bidders' offers and their evaluation: commercially confidential until
    # decided, so read only by the roles that buy and answer for the figures.
    VIEW_PROCUREMENT = "view_procurement"
    # Edit the criteria library, run procurements, receive offers, evaluate and decide.
    MANAGE_PROCUREMENT = "manage_procurement"


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.ADMINISTRATOR: frozenset(Action),
    Role.SUSTAINABILITY_LEAD: frozenset(
        {
            Action.VIEW,
            Action.MANAGE_METHODOLOGY,
            Action.VIEW_AUDIT,
            Action.MANAGE_TAKEBACK,
            Action.REPORT_TAKEBACK,
            # A status or category mapping decides the lifecycle outcome and footprint
            # category of imported devices: the figures the sustainability lead answers for.
            Action.MANAGE_IMPORT_SETTINGS,
            # The lead chairs the sustainability forum and keeps its register.
            Action.MANAGE_FORUM,
            Action.VIEW_PROCUREMENT,
        }
    ),
    Role.PROCUREMENT: frozenset(
        {
            Action.VIEW,
            Action.EDIT_CATALOGUE,
            Action.VIEW_AUDIT,
            Action.VIEW_PROCUREMENT,
            Action.MANAGE_PROCUREMENT,
        }
    ),
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
    Action.MANAGE_IMPORT_SETTINGS,
    Action.MANAGE_FORUM,
    Action.VIEW_PROCUREMENT,
    Action.MANAGE_PROCUREMENT,
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

    def may_map_names(self, department_id: int | None = None) -> bool:
        """Whether the user may add or remove a value mapping pointing at ``department_id``.

        Status and category mappings (no department) are organisation settings. A mapping of
        a department's or a location's name into one department is also the business of
        whoever imports into that department: it says no more than their own rows do.
        """
        if self.can(Action.MANAGE_IMPORT_SETTINGS):
            return True
        return department_id is not None and self.can(Action.EDIT_ASSETS, department_id)

    def may_change_owned(self, owned: bool) -> bool:
        """A shared setting with an owner (a saved column mapping): its owner may change it,
        and whoever manages import settings; nobody else, or one user could overwrite the
        mapping another relies on by saving under its name."""
        return owned or self.can(Action.MANAGE_IMPORT_SETTINGS)

    def may_read_audit_log(self) -> bool:
        """The organisation-wide audit log: for those who read the trail of every department.

        Department-bound readers see each record's own history on its page instead: a log
        entry does not always say which department its record belongs to.
        """
        return self.can(Action.VIEW_AUDIT) and self.department_ids is None

    def may_manage_logins(self) -> bool:
        """People's logins and roles, take-back partners and the roles the identity provider's
        claims give: whoever maintains the organisation (administrators)."""
        return self.can(Action.EDIT_ORGANISATION)

    def may_hold_api_tokens(self) -> bool:
        """Listing and revoking one's own API tokens: any login with a role (a token acts
        with its owner's access, so one without a role has nothing to hold)."""
        return self.role is not None

    @property
    def department_bound(self) -> bool:
        """Whether what the user reads stops at their departments (not a partner's scope)."""
        return self.department_ids is not None and not self.is_partner

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

    def may_read_takeback(self) -> bool:
        """The take-back pages: every reader, and partners (their own campaigns only)."""
        return self.can(Action.VIEW) or self.is_partner

    def may_read_methodology(self) -> bool:
        """The method behind the figures: every reader, and partners, whose campaign pages
        cite it. It holds factors and sources, nothing about the organisation's records."""
        return self.can(Action.VIEW) or self.is_partner

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

    def scope_discrepancies(
        self,
        queryset: QuerySet,
        registers: Sequence[QuerySet],
        *,
        partner_field: str = "campaign__partner",
        item_department_field: str = "item__department",
        reported_fields: Sequence[str] = ("reported_asset_tag", "reported_serial"),
        identifier_fields: Sequence[str] = ("asset_tag", "serial_number"),
        department_field: str = "department",
    ) -> QuerySet:
        """The differences between manifests and partner reports the user may read.

        A partner reads every finding of its own campaigns: they are about what it reported.
        Organisation-wide roles read them all. A department-bound reader reads:

        - a finding about a collected item (handed over but not reported, serial number
          differs) when the item is of one of their departments, as they read the item;
        - an *unexpected* finding (a device the partner reported that was never handed
          over), which has no item and so no department of its own, only when nothing it
          carries identifies another department: when no record of ``registers`` (the asset
          register, the collected items) outside their departments has one of its reported
          values (``reported_fields``) as one of its identifiers (``identifier_fields``),
          letter case aside. So a finding naming one of their own devices is theirs to see,
          one naming a device nobody knows is shown (it names no department, and the
          reader may recognise it), and one naming another department's device — by tag
          or by serial, even beside one of their own — stays hidden, as that device does.
        """
        if self.is_partner:
            if self.partner_id is None:
                return queryset.none()
            return queryset.filter(**{f"{partner_field}_id": self.partner_id})
        if self.role is None or Action.VIEW not in ROLE_ACTIONS.get(self.role, frozenset()):
            return queryset.none()
        if self.department_ids is None:
            return queryset
        item_field = item_department_field.rsplit("__", 1)[0]
        of_their_items = Q(**{f"{item_department_field}__in": self.department_ids})
        unexpected = queryset.filter(**{f"{item_field}__isnull": True}).values_list(
            "pk", *reported_fields
        )
        reported = {pk: [value for value in values if value] for pk, *values in unexpected}
        elsewhere = self._named_outside(
            {value for values in reported.values() for value in values},
            registers,
            identifier_fields,
            department_field,
        )
        harmless = [
            pk
            for pk, values in reported.items()
            if not any(_case_keys(value) & elsewhere for value in values)
        ]
        return queryset.filter(of_their_items | Q(pk__in=harmless))

    def _named_outside(
        self,
        values: set[str],
        registers: Sequence[QuerySet],
        identifier_fields: Sequence[str],
        department_field: str,
    ) -> set[str]:
        """Which of ``values`` (as upper-case keys) a record outside the user's scope carries.

        Compared in upper case on both sides; SQLite's ``UPPER`` folds ASCII letters only,
        so each value is looked up in both foldings. A record without a department counts
        as outside: nothing says it is the user's.
        """
        keys = sorted({key for value in values for key in _case_keys(value)})
        found: set[str] = set()
        if not keys:
            return found
        for register in registers:
            outside = register.exclude(**{f"{department_field}__in": self.department_ids})
            for field in identifier_fields:
                for start in range(0, len(keys), KEY_BATCH):
                    batch = keys[start : start + KEY_BATCH]
                    found.update(
                        outside.annotate(_named=Upper(field))
                        .filter(_named__in=batch)
                        .values_list("_named", flat=True)
                        .distinct()
                    )
        return found

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
        return one_by_key(self.scope(queryset, department_field), **lookup)


def one_by_key(queryset: QuerySet, **lookup: Any) -> Model:
    """The one row of ``queryset`` that ``lookup`` (a key) names, or 404.

    Asked for with neither the model's ordering nor a ``LIMIT`` (``first()`` adds both,
    ``get()`` the limit): with them PostgreSQL spends twice as long planning a page such as
    the asset's, with its joins, as without, and many times longer than running it.
    """
    rows = list(queryset.filter(**lookup).order_by())
    if not rows:
        raise Http404
    if len(rows) > 1:
        raise queryset.model.MultipleObjectsReturned(f"{lookup} is not a key")
    return rows[0]


NO_ACCESS = Access(role=None, department_ids=frozenset())
#: Values per ``IN`` list when looking identifiers up (well under SQLite's parameter limit).
KEY_BATCH = 500


def _case_keys(value: str) -> set[str]:
    """``value`` upper-cased as Python folds it and as SQLite's ASCII-only ``UPPER`` does."""
    ascii_only = "".join(c.upper() if "a" <= c <= "z" else c for c in value)
    return {value.upper(), ascii_only}


#: Reads every department and writes nothing: what organisation-wide totals are computed with.
ORGANISATION_TOTALS = Access(role=Role.VIEWER, department_ids=None)


def reader_of(department_id: int | None) -> Access:
    """Read-only access to one department and its sub-departments, or (None) to every one.

    What a report for that department is computed with, whoever asks for it (the command
    line has no user): the report's figures are the department's, not the reader's scope.
    """
    if department_id is None:
        return ORGANISATION_TOTALS
    return Access(role=Role.VIEWER, department_ids=_with_descendants([department_id]))


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


#: Marks a user whose role row was read in the same query, at the start of this request.
_ROLE_READ_WITH_LOGIN = "_kretslopp_role_read_with_login"


def role_read_with_login(user: Any) -> Any:
    """Mark ``user`` as loaded with its role row (``select_related("membership")``) for this
    request, as a session's login or an API token's owner is: :func:`membership_of` then
    needs no query of its own. Returns the user."""
    setattr(user, _ROLE_READ_WITH_LOGIN, True)
    return user


def membership_of(user: Any) -> Membership | None:
    """The login's role row, or None.

    The row read with the user when the session loaded it at the start of the request, else
    read now (a user object kept longer, as a command or a test holds one, may hold a role
    row read before a change) and kept on the user: the page header names the role too.
    """
    role_row = Membership.user.field.remote_field  # the user's side of the one-to-one
    if getattr(user, _ROLE_READ_WITH_LOGIN, False) and role_row.is_cached(user):
        try:
            return user.membership
        except Membership.DoesNotExist:
            return None
    found = Membership.objects.filter(user=user).first()
    if found is not None:
        role_row.set_cached_value(user, found)
    return found


def access_for(user: Any) -> Access:
    """The access of ``user``, computed once per request and cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_kretslopp_access", None)
    if cached is not None:
        return cached
    membership = membership_of(user)
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
