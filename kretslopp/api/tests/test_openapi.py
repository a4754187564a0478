"""The OpenAPI document, the offline docs page, and schemathesis fuzzing the document.

Schemathesis is a dev dependency: it generates requests from the document (valid and
invalid ones) for every operation, and every one of its checks must pass: no server error,
only documented statuses and bodies, valid input accepted and invalid input refused.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as fuzzing
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from kretslopp.circular.models import Campaign
from kretslopp.organisation.models import Location, Partner, Person

# Every resource's routes; other domains add theirs (take-back, targets, footprint), so the
# document must hold at least these.
EXPECTED_OPERATIONS = {
    ("get", "/api/v1/footprint/summary"),
    ("get", "/api/v1/takeback/campaigns"),
    ("get", "/api/v1/targets"),
    ("get", "/api/v1/departments"),
    ("get", "/api/v1/departments/{department_id}"),
    ("get", "/api/v1/cost-centres"),
    ("get", "/api/v1/cost-centres/{cost_centre_id}"),
    ("post", "/api/v1/imports/assets"),
    ("get", "/api/v1/locations"),
    ("get", "/api/v1/locations/{location_id}"),
    ("get", "/api/v1/people"),
    ("get", "/api/v1/people/{person_id}"),
    ("get", "/api/v1/manufacturers"),
    ("get", "/api/v1/manufacturers/{manufacturer_id}"),
    ("get", "/api/v1/product-models"),
    ("get", "/api/v1/product-models/{model_id}"),
    ("get", "/api/v1/assets"),
    ("post", "/api/v1/assets"),
    ("get", "/api/v1/assets/{asset_id}"),
    ("patch", "/api/v1/assets/{asset_id}"),
    ("post", "/api/v1/assets/{asset_id}/moves"),
    ("get", "/api/v1/assets/{asset_id}/events"),
}
# Examples per operation and generation mode.
FUZZ_EXAMPLES = 25
# Which answers to valid input depend on what JSON Schema cannot say, and why.
CONFIG = SchemathesisConfig.from_path(Path(__file__).parents[3] / "schemathesis.toml")


def _document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


@pytest.mark.django_db
def test_the_document_lists_every_route_with_its_security_and_errors(client):
    document = _document(client)
    operations = {
        (method, path) for path, methods in document["paths"].items() for method in methods
    }
    assert operations >= EXPECTED_OPERATIONS
    schemes = document["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in schemes.values()} == {"http", "apiKey"}
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            assert operation["security"], (method, path)
            assert {"401", "403", "422"} <= set(operation["responses"]), (method, path)


@pytest.mark.django_db
def test_units_are_in_the_field_names(client):
    schemas = _document(client)["components"]["schemas"]
    assert "purchase_price_sek" in schemas["AssetOut"]["properties"]
    assert "energy_kwh_per_year" in schemas["ProductModelOut"]["properties"]


@pytest.mark.django_db
def test_the_docs_page_loads_nothing_from_elsewhere_and_runs_no_inline_script(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    for attributes, body in scripts:
        assert "src=" in attributes or 'type="application/json"' in attributes
        assert "src=" not in attributes or not body.strip()
    assert "style=" not in html and "<style" not in html
    for url in re.findall(r"(?:src|href)=\"([^\"]+)\"", html):
        if url.startswith("/api/"):
            asset = client.get(url)
            assert asset.status_code == 200, url
            assert b"".join(asset.streaming_content)
    assert finders.find("api/docs.js")


@pytest.mark.django_db
def test_only_swagger_ui_files_are_served_from_the_ninja_package(client):
    for name in ("__init__.py", "..%2F__init__.py", "redoc.standalone.js"):
        assert client.get(f"/api/v1/docs/assets/{name}").status_code == 404


@pytest.fixture
def wsgi_app(settings):
    """Django's WSGI app served in-process to schemathesis, inside the test's transaction.

    Django's own test client does the same: it keeps request signals from closing the
    connection that holds the test transaction.
    """
    settings.SECURE_SSL_REDIRECT = False
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_schemathesis_with_every_check_on_every_operation(town, token_for, wsgi_app, mode):
    """Every check schemathesis has (``--checks all``), run on each operation in turn."""
    _token, secret = token_for(town.users["administrator"], "read", "write")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app, config=CONFIG)
    schema.config.checks.update(included_check_names=["all"])
    # Valid requests name real records, so they reach past the 404 into the route's work.
    known = _known_ids(town) if mode == GenerationMode.POSITIVE else {}
    failures, tested = [], set()
    for result in schema.get_all_operations():
        operation = result.ok()
        tested.add((operation.method, operation.path))
        try:
            _fuzz(operation, mode, known, secret)
        except (
            Exception,
            BaseExceptionGroup,
        ) as failure:  # collected, so one run names every broken operation
            failures.append(f"{operation.method.upper()} {operation.path}: {failure}")
    assert tested >= EXPECTED_OPERATIONS
    assert not failures, "\n\n".join(failures)


def _fuzz(operation, mode: GenerationMode, known: dict[str, int], secret: str) -> None:
    in_path = {name: value for name, value in known.items() if f"{{{name}}}" in operation.path}

    @fuzzing(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=in_path))
    def every_check_passes(case) -> None:
        case.call_and_validate(headers={"Authorization": f"Bearer {secret}"})

    every_check_passes()


def _known_ids(town) -> dict[str, int]:
    partner = Partner.objects.create(name="Inrego AB (test)", kind="refurbisher")
    campaign = Campaign.objects.create(
        name="Återtag 2024",
        partner=partner,
        starts_on=dt.date(2024, 3, 1),
        ends_on=dt.date(2024, 3, 31),
    )
    return {
        "asset_id": town.own_asset.pk,
        "department_id": town.own.pk,
        "location_id": Location.objects.get().pk,
        "person_id": Person.objects.get().pk,
        "manufacturer_id": town.laptop.manufacturer_id,
        "model_id": town.laptop.pk,
        "campaign_id": campaign.pk,
    }


@pytest.mark.django_db
def test_every_list_that_refuses_a_foreign_cursor_documents_the_400(client, town, api_as):
    document = _document(client)
    paged = {
        path: methods["get"]
        for path, methods in document["paths"].items()
        if any(p["name"] == "cursor" for p in methods.get("get", {}).get("parameters", []))
    }
    assert "/api/v1/takeback/campaigns/{campaign_id}/items" in paged
    for path, operation in paged.items():
        assert "400" in operation["responses"], path
    campaign_id = _known_ids(town)["campaign_id"]
    api = api_as(town.users["administrator"], "read")
    answer = api.get(f"/api/v1/takeback/campaigns/{campaign_id}/items", cursor="bad")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "bad_cursor"
