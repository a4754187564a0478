"""Every API route × every role, probed with another department's and partner's records.

Complete by construction, like the pages' ``organisation/tests/test_route_matrix.py``:
:func:`test_every_api_route_is_in_the_matrix` reads the OpenAPI document and fails for an
operation that is not here, and for any other URL under ``/api/v1/`` that is not on the
reviewed list of public ones.

Each probe names a record a department-bound user of ``town.own`` and the town's partner
must not reach (the other department's asset, person, location, cost centre, department,
target; the other partner's campaign, in which only the other department takes part), and
filters that name the other department; writes send a body that would succeed for someone
allowed. Tokens carry read and write scope; a caller without a token gets 401. Each probe
runs in a transaction rolled back afterwards.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from kretslopp.api.assembly import api
from kretslopp.api.testing import ApiClient
from kretslopp.conftest import ROLES

COLUMNS = [*ROLES, "anonymous"]
PREFIX = "/api/v1"

#: URLs under /api/v1/ that are not operations, reviewed one by one.
PUBLIC = {
    "api:openapi-json": "the OpenAPI document: the API's description, no records",
    "api:openapi-view": "the offline documentation page that shows that document",
    "api:docs-asset": "Swagger UI's own files for that page (a fixed list of three)",
    "api:api-root": "the bare prefix, which answers 404",
    "api:unknown": "any other path, answered with the API's JSON 404",
}

# The answer per column: administrator, sustainability lead, procurement, coordinator,
# department viewer, viewer of all departments, partner, no role, anonymous (COLUMNS).
# 403: the role lacks the right; 404: the record is outside the caller's scope (as a
# missing one); 422: a value outside the caller's scope (another department) refused as
# invalid; 401: no token.
# fmt: off
ROUTES: dict[str, str] = {
    # method and path                                       adm lea pro coo vie all par non ano
    "GET /departments":                                    "200 200 200 200 200 200 403 403 401",
    "GET /departments/{department_id}":                    "200 200 200 404 404 200 403 403 401",
    "GET /cost-centres":                                   "200 200 200 200 200 200 403 403 401",
    "GET /cost-centres/{cost_centre_id}":                  "200 200 200 404 404 200 403 403 401",
    "GET /locations":                                      "200 200 200 200 200 200 403 403 401",
    "GET /locations/{location_id}":                        "200 200 200 404 404 200 403 403 401",
    "GET /people":                                         "200 200 200 200 200 200 403 403 401",
    "GET /people/{person_id}":                             "200 200 200 404 404 200 403 403 401",
    "GET /manufacturers":                                  "200 200 200 200 200 200 403 403 401",
    "GET /manufacturers/{manufacturer_id}":                "200 200 200 200 200 200 403 403 401",
    "GET /product-models":                                 "200 200 200 200 200 200 403 403 401",
    "GET /product-models/{model_id}":                      "200 200 200 200 200 200 403 403 401",
    "GET /assets":                                         "200 200 200 200 200 200 403 403 401",
    "POST /assets":                                        "201 403 403 422 403 403 403 403 401",
    "GET /assets/{asset_id}":                              "200 200 200 404 404 200 403 403 401",
    "PATCH /assets/{asset_id}":                            "200 403 403 404 404 403 404 404 401",
    "POST /assets/{asset_id}/moves":                       "201 403 403 404 404 403 404 404 401",
    "GET /assets/{asset_id}/events":                       "200 200 200 404 404 200 403 403 401",
    "GET /energy/ledger":                                  "200 200 200 404 404 200 403 403 401",
    "GET /energy/ledger/{year}":                           "200 200 200 404 404 200 403 403 401",
    "GET /targets":                                        "200 200 200 200 200 200 403 403 401",
    "GET /targets/{target_id}":                            "200 200 200 404 404 200 403 403 401",
    "GET /printing/volumes":                               "200 200 200 404 404 200 403 403 401",
    "GET /footprint/summary":                              "200 200 200 200 200 200 403 403 401",
    "GET /takeback/campaigns":                             "200 200 200 200 200 200 200 403 401",
    "GET /takeback/campaigns/{campaign_id}":               "200 200 200 404 404 200 404 403 401",
    "GET /takeback/campaigns/{campaign_id}/items":         "200 200 200 404 404 200 404 403 401",
    "POST /takeback/campaigns/{campaign_id}/items":        "201 403 403 404 403 403 403 403 401",
    "GET /takeback/campaigns/{campaign_id}/manifests":     "200 200 200 404 404 200 404 403 401",
    "GET /takeback/campaigns/{campaign_id}/discrepancies": "200 200 200 404 404 200 404 403 401",
    "POST /takeback/campaigns/{campaign_id}/results":      "200 200 403 404 404 403 404 403 401",
    "POST /imports/assets":                                "200 403 403 422 403 403 403 403 401",
    "POST /imports/jobs":                                  "200 200 403 403 403 403 404 403 401",
    "GET /imports/jobs":                                   "200 200 200 200 403 403 200 403 401",
    # The format's schema: any caller, whatever its role; it holds nobody's figures.
    "GET /exchange/schema/v1.json":                        "200 200 200 200 200 200 200 200 401",
    "GET /exchange/kpis":                                  "200 200 200 200 200 200 403 403 401",
    "GET /exchange/data":                                  "200 200 200 200 200 200 403 403 401",
    # Kolada's data route: one KPI, municipality and year.
    "GET /exchange/data/kpi/{kpi}/municipality/{code}/year/{year}":
                                                           "200 200 200 200 200 200 403 403 401",
    # Exports: the list's filters name the other department (an empty file for the bound);
    # the probe's job is the administrator's, for them alone.
    "GET /exports/assets":                                 "200 200 200 200 200 200 403 403 401",
    "GET /exports/jobs":                                   "200 200 200 200 200 200 403 403 401",
    "GET /exports/jobs/{export_id}":                       "200 404 404 404 404 404 403 403 401",
    "GET /exports/jobs/{export_id}/file":                  "200 404 404 404 404 404 403 403 401",
    "POST /exports/jobs/{export_id}/cancel":               "200 404 404 404 404 404 403 403 401",
    "GET /imports/jobs/{job_id}":                          "200 404 404 404 403 403 404 403 401",
    "POST /imports/jobs/{job_id}/cancel":                  "200 404 404 404 403 403 404 403 401",
    "GET /forum/forums":                                   "200 200 200 200 200 200 403 403 401",
    "GET /forum/forums/{forum_id}":                        "200 200 200 404 404 200 403 403 401",
    "GET /forum/meetings":                                 "200 200 200 200 200 200 403 403 401",
    "GET /forum/meetings/{meeting_id}":                    "200 200 200 404 404 200 403 403 401",
    "GET /forum/measures":                                 "200 200 200 200 200 200 403 403 401",
    "GET /forum/measures/{measure_id}":                    "200 200 200 404 404 200 403 403 401",
    "GET /forum/effects":                                  "200 200 200 200 200 200 403 403 401",
    "GET /procurement/label-warnings":                     "200 200 200 200 200 200 403 403 401",
    "GET /procurement/overdue-actions":                    "200 200 200 403 403 403 403 403 401",
    "GET /procurement/criteria":                           "200 200 200 200 200 200 403 403 401",
    "GET /procurement/criteria/{criterion_id}":            "200 200 200 200 200 200 403 403 401",
    "GET /procurement/procurements":                       "200 200 200 403 403 403 403 403 401",
    "POST /procurement/procurements":                      "201 403 201 403 403 403 403 403 401",
    "GET /procurement/procurements/{procurement_id}":      "200 200 200 403 403 403 403 403 401",
    "GET /procurement/procurements/{procurement_id}/offers": "200 200 200 403 403 403 403 403 401",
    "GET /procurement/procurements/{procurement_id}/evaluation": "200 200 200 403 403 403 403 403 401",  # noqa: E501
    # Others read the contracts under which their departments' devices were bought; the
    # probe's contract has only the other department's device.
    "GET /procurement/contracts":                          "200 200 200 200 200 200 403 403 401",
    "GET /procurement/contracts/{contract_id}":            "200 200 200 404 404 200 403 403 401",
}
# fmt: on


def _query(path: str, ids: dict) -> dict:
    """Filters that name the other department, where a route takes one."""
    if path in (
        "/assets",
        "/exports/assets",
        "/energy/ledger",
        "/energy/ledger/{year}",
        "/printing/volumes",
    ):
        return {"department": ids["department"]}
    return {}


def _body(method: str, path: str, ids: dict) -> dict | None:
    """What an allowed caller would send; it names the other department's records."""
    bodies = {
        ("POST", "/assets"): {
            "asset_tag": "MS-PROBE-1",
            "model_id": ids["model"],
            "department_id": ids["department_id"],
        },
        ("PATCH", "/assets/{asset_id}"): {"notes": "Probe"},
        ("POST", "/assets/{asset_id}/moves"): {"target": "returned"},
        ("POST", "/procurement/procurements"): {
            "reference": "KS-PROBE-2",
            "title": "Skärmar",
            "product_group": "displays",
            "units": 10,
            "lifetime_years": 6,
            "discount_rate": "0.03",
            "sek_per_kwh": "1.2",
            "grid_kg_co2e_per_kwh": "0.04",
        },
        ("POST", "/takeback/campaigns/{campaign_id}/items"): {"code": "MS-MF-PROBE"},
        ("POST", "/takeback/campaigns/{campaign_id}/results"): {
            "results": [
                {
                    "asset_tag": "MS-0000002",
                    "erasure_method": "nist_purge",
                    "erasure_certificate": "PROBE-1",
                    "erased_on": "2024-02-02",
                    "grade": "A",
                    "outcome": "resold",
                }
            ]
        },
    }
    return bodies.get((method, path))


def _report_file() -> bytes:
    """The results probe's one row as a partner's report file (for the other campaign)."""
    return (
        b"asset_tag,erasure_method,erasure_certificate,erased_on,grade,outcome\n"
        b"MS-0000002,nist_purge,PROBE-1,2024-02-02,A,resold\n"
    )


def _import_file(ids: dict) -> bytes:
    return (
        "Asset tag,Manufacturer,Model,Department\n"
        f"MS-PROBE-2,Dell,Latitude 5420,{ids['department']}\n"
    ).encode()


#: Which probe record each path parameter names.
PATH_RECORDS = {
    "department_id": "department_id",
    "cost_centre_id": "cost_centre",
    "location_id": "location",
    "person_id": "person",
    "manufacturer_id": "manufacturer",
    "model_id": "model",
    "asset_id": "probe_asset_id",
    "target_id": "target",
    "campaign_id": "campaign",
    "year": "year",
    "forum_id": "forum",
    "meeting_id": "meeting",
    "measure_id": "measure",
    "criterion_id": "criterion",
    "procurement_id": "procurement",
    "contract_id": "contract",
    "kpi": "exchange_kpi",
    "code": "municipality_code",
    "job_id": "job",
    "export_id": "export_job",
}


def _url(path: str, ids: dict) -> str:
    return PREFIX + path.format(**{name: ids[record] for name, record in PATH_RECORDS.items()})


def _probe(api_client: ApiClient, method: str, path: str, ids: dict) -> int:
    url = _url(path, ids)
    with transaction.atomic():
        if (method, path) == ("POST", "/imports/assets"):
            response = api_client.upload(url, "probe.csv", _import_file(ids))
        elif (method, path) == ("POST", "/imports/jobs"):
            response = api_client.upload(
                url,
                "rapport.csv",
                _report_file(),
                target="partner_report",
                campaign=ids["campaign"],
            )
        elif method == "GET":
            response = api_client.get(url, **_query(path, ids))
        else:
            response = getattr(api_client, method.lower())(url, _body(method, path, ids))
        transaction.set_rollback(True)
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("column", range(len(COLUMNS)), ids=COLUMNS)
def test_every_api_route_answers_each_role_as_the_matrix_says(town, world, api_as, column):
    from kretslopp.energy import ledger

    who = COLUMNS[column]
    api_client = ApiClient() if who == "anonymous" else api_as(town.users[who], "read", "write")
    ledger.forget()
    got = {route: _probe(api_client, *route.split(" ", 1), world.ids) for route in ROUTES}
    ledger.forget()
    assert got == {route: int(answers.split()[column]) for route, answers in ROUTES.items()}


@pytest.mark.django_db
def test_a_department_bound_caller_lists_nothing_of_another_department(town, world, api_as):
    for role in ("coordinator", "viewer"):
        api_client = api_as(town.users[role], "read")
        for path in ("/assets", "/locations", "/people", "/cost-centres", "/departments"):
            items = api_client.get(PREFIX + path, **_query(path, world.ids)).json()["items"]
            departments = {item.get("department_id", item.get("id")) for item in items}
            assert town.other.pk not in departments, (role, path)


def _operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path.removeprefix(PREFIX)}"
        for path, operations in schema["paths"].items()
        for method in operations
    }


def _walk(patterns, namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and namespace == "api":
            yield f"api:{pattern.name}", pattern


def test_every_api_route_is_in_the_matrix():
    """A new API route must join the matrix (or, if it is public, the reviewed list)."""
    operations = _operations()
    missing = sorted(operations - set(ROUTES))
    assert not missing, f"Add these API routes to ROUTES in {__name__}: {missing}"
    stale = sorted(set(ROUTES) - operations)
    assert not stale, f"These API routes no longer exist: {stale}"
    others = {
        name
        for name, pattern in _walk(get_resolver().url_patterns)
        if pattern.callback.__module__ != "ninja.operation"
    }
    assert others == set(PUBLIC), "Review what answers under /api/v1/ without the matrix"
