"""The API docs page in a real browser: Swagger UI renders offline under our CSP."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_every_route_with_no_csp_violation_or_foreign_request(page, live_server):
    problems: list[str] = []
    hosts: set[str] = set()
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))

    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".opblock").first.wait_for()

    from kretslopp.api.assembly import api

    document = api.get_openapi_schema()
    operations = sum(len(methods) for methods in document["paths"].values())
    assert page.locator(".opblock").count() == operations
    assert page.get_by_text("Kretslopp API").first.is_visible()
    assert hosts == {urlsplit(live_server.url).netloc}
    assert problems == []
