"""Who reads and writes what of a forum: the one place that decides it.

Built on :mod:`kretslopp.organisation.access` (roles and departments) plus one thing only
the forum knows, membership:

- whoever may manage the forum (the sustainability lead, administrators) chairs and
  writes everything: forums, members, meetings, decisions, measures, escalations;
- organisation-wide readers read every forum;
- a member reads everything of their forum (meetings, minutes, every measure); an
  external member's login has no role of its own, so their forum is all they see;
- a department-bound reader (a coordinator, a department's viewer) reads the measures that
  concern their departments (responsible department, or a party's department) and the
  forums those belong to, not the forum's meetings;
- the person responsible for a measure (a member with a login) updates it: status updates,
  tasks, and the work moves of its status (started, done), never a decision.

Views, the API and the lifecycle ask :func:`forum_access_for` and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from kretslopp.forum.models import ForumMember, Measure, Status
from kretslopp.organisation.access import Access, Action, access_for, one_by_key

#: Status moves that are work on a decided measure, not decisions: the responsible
#: person may make them; every other move is the forum's (its managers').
WORK_MOVES: frozenset[tuple[str, str]] = frozenset(
    {
        (Status.DECIDED, Status.IN_PROGRESS),
        (Status.DECIDED, Status.DONE),
        (Status.IN_PROGRESS, Status.DONE),
    }
)


@dataclass(frozen=True)
class ForumAccess:
    """What one login may do in the forums; ``member_of`` is the forums it sits in."""

    access: Access
    user_id: int | None
    member_of: frozenset[int]

    @property
    def may_manage(self) -> bool:
        return self.access.can(Action.MANAGE_FORUM)

    @property
    def reads_every_forum(self) -> bool:
        return self.access.can(Action.VIEW) and self.access.all_departments

    @property
    def _department_ids(self) -> frozenset[int]:
        if not self.access.can(Action.VIEW) or self.access.department_ids is None:
            return frozenset()
        return self.access.department_ids

    def may_read_forums(self) -> bool:
        """Whether the forum pages are for this login at all (the menu entry, the list)."""
        return self.reads_every_forum or bool(self.member_of) or bool(self._department_ids)

    def reads_whole(self, forum_id: int) -> bool:
        """Meetings, minutes, members and every measure of the forum."""
        return self.reads_every_forum or forum_id in self.member_of

    def _concerning(self) -> Q:
        ids = self._department_ids
        return Q(department__in=ids) | Q(parties__department__in=ids)

    def measures(self, queryset: QuerySet | None = None) -> QuerySet:
        """The measures this login may read."""
        queryset = Measure.objects.all() if queryset is None else queryset
        if self.reads_every_forum:
            return queryset
        allowed = Q(forum_id__in=self.member_of)
        if self._department_ids:
            allowed |= self._concerning()
        return queryset.filter(pk__in=Measure.objects.filter(allowed).values("pk"))

    def forums(self, queryset: QuerySet) -> QuerySet:
        """The forums this login may open (whole, or for the measures that concern it)."""
        if self.reads_every_forum:
            return queryset
        concerning = self.measures().values("forum_id")
        return queryset.filter(Q(pk__in=self.member_of) | Q(pk__in=concerning))

    def meetings(self, queryset: QuerySet) -> QuerySet:
        if self.reads_every_forum:
            return queryset
        return queryset.filter(forum_id__in=self.member_of)

    def get(self, queryset: QuerySet, **lookup: Any) -> Any:
        """One readable record or 404, as :meth:`Access.get` does for departments."""
        return one_by_key(queryset, **lookup)

    def is_responsible(self, measure: Measure) -> bool:
        responsible = measure.responsible
        return bool(
            self.user_id
            and responsible is not None
            and responsible.active
            and responsible.user_id == self.user_id
        )

    def may_update(self, measure: Measure) -> bool:
        """Status updates and tasks: the managers, and whoever is responsible for it."""
        return self.may_manage or self.is_responsible(measure)

    def may_move(self, measure: Measure, to: str) -> bool:
        """A status move: the managers any; the responsible person the work moves only."""
        if self.may_manage:
            return True
        return self.is_responsible(measure) and (measure.status, to) in WORK_MOVES

    def may_complete_task(self, measure: Measure, owner: ForumMember | None) -> bool:
        """A task is done when its measure's updaters, or its own owner, say so."""
        if self.may_update(measure):
            return True
        return bool(owner is not None and self.user_id and owner.user_id == self.user_id)


def forum_access_for(user: Any) -> ForumAccess:
    """The forum access of ``user``, computed once per request and cached on it."""
    cached = getattr(user, "_kretslopp_forum_access", None)
    if cached is not None:
        return cached
    access = access_for(user)
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ForumAccess(access, None, frozenset())
    member_of = frozenset(
        ForumMember.objects.filter(user=user, active=True).values_list("forum_id", flat=True)
    )
    forum_access = ForumAccess(access, user.pk, member_of)
    user._kretslopp_forum_access = forum_access
    return forum_access
