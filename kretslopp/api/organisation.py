"""API routes for the organisation: departments, cost centres, locations and people, read-only.

Scoped like the pages: a coordinator sees their departments (and those below them) and
the people and locations that belong to them. People are kept minimal: the e-mail address
only reaches callers who may edit the organisation.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Path, Query, Router

from kretslopp.api.auth import caller_of
from kretslopp.api.errors import responses
from kretslopp.api.pagination import Ordering, Page, PageQuery, paginate
from kretslopp.api.schema import ApiSchema
from kretslopp.organisation.access import Action
from kretslopp.organisation.models import CostCentre, Department, Location, Person

router = Router(tags=["organisation"])

RecordId = Path(..., ge=1, le=2**63 - 1)


class DepartmentOut(ApiSchema):
    id: int
    code: str
    name: str
    parent_id: int | None
    employees: int


class DepartmentPage(ApiSchema):
    items: list[DepartmentOut]
    next: str | None = Field(None, description="The next page, or null on the last one.")


class CostCentreOut(ApiSchema):
    id: int
    code: str
    name: str
    department_id: int


class CostCentrePage(ApiSchema):
    items: list[CostCentreOut]
    next: str | None


class LocationOut(ApiSchema):
    id: int
    name: str
    address: str
    department_id: int | None


class LocationPage(ApiSchema):
    items: list[LocationOut]
    next: str | None


class PersonOut(ApiSchema):
    id: int
    identifier: str = Field(description="Employee id or username.")
    department_id: int
    active: bool
    email: str | None = Field(
        None, description="Only for callers who may edit the organisation; null otherwise."
    )


class PersonPage(ApiSchema):
    items: list[PersonOut]
    next: str | None


class PersonQuery(PageQuery):
    active: bool | None = Field(None, description="Only active (true) or inactive (false).")


BY_NAME = Ordering("name")
BY_CODE = Ordering("code")
BY_IDENTIFIER = Ordering("identifier")
READ_ERRORS = responses(400, 401, 403, 422)
ONE_ERRORS = responses(401, 403, 404, 422)


@router.get("/departments", response={200: DepartmentPage, **READ_ERRORS})
def list_departments(request: HttpRequest, page: Query[PageQuery]) -> Page:
    """The departments in the caller's scope, by name."""
    access = caller_of(request).access
    access.require(Action.VIEW)
    return paginate(request, access.departments(), BY_NAME, page)


@router.get("/departments/{department_id}", response={200: DepartmentOut, **ONE_ERRORS})
def get_department(request: HttpRequest, department_id: int = RecordId) -> Department:
    access = caller_of(request).access
    access.require(Action.VIEW)
    return access.get(Department.objects.all(), department_field="pk", pk=department_id)


@router.get("/cost-centres", response={200: CostCentrePage, **READ_ERRORS})
def list_cost_centres(request: HttpRequest, page: Query[PageQuery]) -> Page:
    """The cost centres of the departments in the caller's scope, by code."""
    access = caller_of(request).access
    access.require(Action.VIEW)
    return paginate(request, access.scope(CostCentre.objects.all()), BY_CODE, page)


@router.get("/cost-centres/{cost_centre_id}", response={200: CostCentreOut, **ONE_ERRORS})
def get_cost_centre(request: HttpRequest, cost_centre_id: int = RecordId) -> CostCentre:
    access = caller_of(request).access
    access.require(Action.VIEW)
    return access.get(CostCentre.objects.all(), pk=cost_centre_id)


@router.get("/locations", response={200: LocationPage, **READ_ERRORS})
def list_locations(request: HttpRequest, page: Query[PageQuery]) -> Page:
    """The locations that belong to departments in the caller's scope, by name."""
    access = caller_of(request).access
    access.require(Action.VIEW)
    return paginate(request, access.scope(Location.objects.all()), BY_NAME, page)


@router.get("/locations/{location_id}", response={200: LocationOut, **ONE_ERRORS})
def get_location(request: HttpRequest, location_id: int = RecordId) -> Location:
    access = caller_of(request).access
    access.require(Action.VIEW)
    return access.get(Location.objects.all(), pk=location_id)


def _person_out(person: Person, show_email: bool) -> PersonOut:
    return PersonOut(
        id=person.pk,
        identifier=person.identifier,
        department_id=person.department_id,
        active=person.active,
        email=person.email if show_email else None,
    )


@router.get("/people", response={200: PersonPage, **READ_ERRORS})
def list_people(request: HttpRequest, query: Query[PersonQuery]) -> PersonPage:
    """People in the caller's scope, by identifier; e-mail only for organisation editors."""
    access = caller_of(request).access
    access.require(Action.VIEW)
    people = access.scope(Person.objects.all())
    if query.active is not None:
        people = people.filter(active=query.active)
    found = paginate(request, people, BY_IDENTIFIER, query)
    show_email = access.can(Action.EDIT_ORGANISATION)
    return PersonPage(items=[_person_out(p, show_email) for p in found.items], next=found.next)


@router.get("/people/{person_id}", response={200: PersonOut, **ONE_ERRORS})
def get_person(request: HttpRequest, person_id: int = RecordId) -> PersonOut:
    access = caller_of(request).access
    access.require(Action.VIEW)
    person = access.get(Person.objects.all(), pk=person_id)
    return _person_out(person, access.can(Action.EDIT_ORGANISATION))
