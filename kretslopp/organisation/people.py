"""Finding the person a device is assigned to: a search as you type, and the form field.

A city has tens of thousands of staff, so a form never lists them all. The field is a text
field for the person's employee id or username, which works without JavaScript; the page's
own script (``static/organisation/person_search.js``) turns it into a search by name, id or
department that asks :func:`search` through :func:`search_view`. Which people a user
may pick is decided in ``access.py`` (``Access.scope_for``) and nowhere else.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _

from kretslopp.organisation.access import Action, access_for
from kretslopp.organisation.models import Department, Person

#: How many matches the search returns: enough to pick from, few enough to read.
MAX_RESULTS = 20
#: Words of a query that count; a longer query narrows no further.
MAX_WORDS = 5
#: A word shorter than this matches the start of a given name or surname only ("an" finds
#: Anna and Andersson, not every Johansson nor every id): it would match most of a city.
WHOLE_WORD_FROM = 3


def search(people: QuerySet, text: str, limit: int = MAX_RESULTS) -> tuple[list[Person], bool]:
    """The best matches for ``text`` among ``people`` (already scoped), and whether there are
    more than ``limit``.

    Every word must match the name, the start of the id, or the department's name or code,
    so "anna grund" finds Anna in Grundskoleförvaltningen. An exact id comes first, then names
    that start with the text, surnames that do, ids that do, and the rest, each by name.
    """
    words = text.split()[:MAX_WORDS]
    if not words:
        return [], False
    rows = Department.objects.values_list("pk", "name", "code")
    departments = {pk: (name, code) for pk, name, code in rows}
    found = people.filter(active=True)
    for word in words:
        folded = word.casefold()
        # A city's few departments are matched here, not joined to every person in the query.
        in_departments = [
            pk
            for pk, (name, code) in departments.items()
            if folded in name.casefold() or folded == code.casefold()
        ]
        if len(word) < WHOLE_WORD_FROM:
            matches = Q(name__istartswith=word) | Q(name__icontains=f" {word}")
        else:
            matches = Q(name__icontains=word) | Q(identifier__istartswith=word)
        if in_departments:
            matches |= Q(department_id__in=in_departments)
        found = found.filter(matches)
    whole = " ".join(words)
    rank = Case(
        When(identifier__iexact=whole, then=Value(0)),
        When(name__istartswith=whole, then=Value(1)),
        When(name__icontains=f" {whole}", then=Value(2)),
        When(identifier__istartswith=whole, then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )
    best = list(found.annotate(rank=rank).order_by("rank", "name", "identifier")[: limit + 1])
    for person in best:  # the department's name, without a join in the query
        person.department_name = departments[person.department_id][0]
    return best[:limit], len(best) > limit


def as_result(person: Person) -> dict[str, str]:
    """One match of :func:`search` as the search answers it: what the form takes (the id),
    and what a person reads."""
    return {
        "id": person.identifier,
        "name": person.name,
        "department": person.department_name,
        "label": person.label,
    }


@login_required
def search_view(request: HttpRequest) -> JsonResponse:
    """People a device may be assigned to, matching ``q``: the search behind the assignee
    field. Only for those who may edit assets, and only among their departments' people."""
    access = access_for(request.user)
    access.require(Action.EDIT_ASSETS)
    people = access.scope_for(Action.EDIT_ASSETS, Person.objects.all())
    found, more = search(people, request.GET.get("q", "")[:100])
    return JsonResponse({"results": [as_result(p) for p in found], "more": more})


class PersonField(forms.Field):
    """A person among ``queryset`` (the form decides who: active people in scope, and the
    one assigned now), given by employee id or username (any case).

    The web form sends the id as text (typed, or filled in by the search); the API passes the
    record's number (an ``int``), so both go through the same form and the same scope.
    """

    widget = forms.TextInput
    default_error_messages = {
        "unknown": _(
            "No active person with the employee id or username “%(value)s” among the people "
            "you may assign devices to. Type the id exactly, or type a name and pick the "
            "person from the list."
        ),
        "unknown_id": _(
            "No active person with the id %(value)s among the people you may assign devices to."
        ),
    }

    def __init__(self, *, queryset: QuerySet | None = None, **kwargs: Any) -> None:
        self.queryset = queryset if queryset is not None else Person.objects.none()
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Person):
            return value.identifier
        if isinstance(value, int):
            found = Person.objects.filter(pk=value).values_list("identifier", flat=True).first()
            return found or ""
        return value

    def to_python(self, value: Any) -> Person | None:
        if isinstance(value, Person):
            return value
        if isinstance(value, int):
            found = self.queryset.filter(pk=value).first()
            if found is None:
                raise ValidationError(
                    self.error_messages["unknown_id"], code="unknown", params={"value": value}
                )
            return found
        text = str(value or "").strip()
        if not text:
            return None
        found = self.queryset.filter(identifier__iexact=text).first()
        if found is None:
            raise ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": text[:100]}
            )
        return found

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            chosen = self.to_python(data)
        except ValidationError:
            return True
        before = initial.pk if isinstance(initial, Person) else initial
        return (chosen.pk if chosen else None) != (before or None)
