"""The OpenAPI document, the offline docs page, and schemathesis fuzzing the document.

Schemathesis is a dev dependency: it generates requests from the document (valid and
invalid ones) and the API must never answer them with a server error.
"""

from __future__ import annotations

import re
import time

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as fuzzing
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kretslopp.organisation.models import Location, Person

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
# Examples per generation mode; the whole fuzzing run stays well under a minute.
FUZZ_EXAMPLES = 120
FUZZ_SECONDS = 60
# No server error, and every answer (errors included) is one the document promises.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


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
def test_schemathesis_finds_no_server_error(town, token_for, wsgi_app, mode):
    _token, secret = token_for(town.users["administrator"], "read", "write")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    started = time.monotonic()
    # Valid requests name real records, so they reach past the 404 into the route's work.
    known = _known_ids(town) if mode == GenerationMode.POSITIVE else None

    @fuzzing(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=schema.as_strategy(generation_mode=mode, path_parameters=known))
    def no_server_error(case) -> None:
        case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS)

    no_server_error()
    assert time.monotonic() - started < FUZZ_SECONDS


def _known_ids(town) -> dict[str, int]:
    return {
        "asset_id": town.own_asset.pk,
        "department_id": town.own.pk,
        "location_id": Location.objects.get().pk,
        "person_id": Person.objects.get().pk,
        "manufacturer_id": town.laptop.manufacturer_id,
        "model_id": town.laptop.pk,
    }
