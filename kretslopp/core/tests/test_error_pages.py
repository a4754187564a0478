"""Error pages: Swedish (or the chosen language), in the site's layout, saying what happened
and what to do; the 500 page even when the database is down. DEBUG is off in tests, as in
production."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse

from kretslopp.inventory import lifecycle

pytestmark = pytest.mark.django_db


def _in_layout(html: str) -> None:
    assert '<header class="topbar">' in html and "kretslopp/app.css" in html
    assert "Det här kan du göra" in html  # says what to do


def test_settings_are_those_of_production():
    assert not django_settings.DEBUG


def test_404_for_a_visitor_in_swedish_with_a_way_to_log_in(client):
    response = client.get("/finns-inte/")
    html = response.content.decode()
    assert response.status_code == 404
    _in_layout(html)
    assert '<html lang="sv">' in html
    assert "Sidan finns inte" in html
    assert f'href="{reverse("login")}"' in html
    assert 'class="mainnav"' not in html  # nobody to navigate for


def test_404_for_a_logged_in_user_keeps_the_navigation(town, login):
    client = login(town.users["coordinator"])
    response = client.get(reverse("inventory:asset", args=[town.other_asset.pk]))
    html = response.content.decode()
    assert response.status_code == 404
    _in_layout(html)
    assert 'class="mainnav"' in html and "Till startsidan" in html
    assert "förvaltning som du inte arbetar i" in html  # why a record may not be shown


def test_404_in_english_when_chosen(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/finns-inte/").content.decode()
    assert '<html lang="en">' in html
    assert "Page not found" in html and "What you can do" in html


def test_403_names_the_role_and_what_to_do(town, login):
    client = login(town.users["coordinator"])
    response = client.get(reverse("audit_log"))
    html = response.content.decode()
    assert response.status_code == 403
    _in_layout(html)
    assert "Du har inte behörighet till den här sidan" in html
    assert 'class="mainnav"' in html
    assert "administratör" in html


def test_400_for_a_request_kretslopp_cannot_read(client):
    response = client.get("/", HTTP_HOST="kretslopp.invalid")  # not an allowed host
    html = response.content.decode()
    assert response.status_code == 400
    _in_layout(html)
    assert "Förfrågan kunde inte läsas" in html


def test_a_form_without_its_security_token_is_refused_in_the_layout(town):
    client = Client(enforce_csrf_checks=True)
    client.force_login(town.users["coordinator"])
    asset = town.own_asset
    response = client.post(reverse("inventory:asset_move", args=[asset.pk]), {"target": "returned"})
    html = response.content.decode()
    assert response.status_code == 403
    _in_layout(html)
    assert "Formuläret kunde inte skickas" in html and "Ingenting sparades" in html
    asset.refresh_from_db()
    assert asset.status == lifecycle.IN_USE


def test_500_in_the_layout_and_language(client, settings):
    settings.ROOT_URLCONF = "kretslopp.core.tests.failing_urls"
    client.raise_request_exception = False
    response = client.get("/test-broken/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Något gick fel hos oss" in response.content.decode()
    _in_layout(html)
    assert "Något gick fel hos oss" in html and '<html lang="sv">' in html
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Something went wrong on our side" in client.get("/test-broken/").content.decode()


def test_500_renders_when_the_database_is_down(client, settings, town, monkeypatch):
    settings.ROOT_URLCONF = "kretslopp.core.tests.failing_urls"
    client.force_login(town.users["coordinator"])
    client.raise_request_exception = False

    def refused(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refused)
    response = client.get("/test-database-down/")
    monkeypatch.undo()
    assert response.status_code == 500
    assert "Något gick fel hos oss" in response.content.decode()
    html = response.content.decode()
    _in_layout(html)
    assert "Något gick fel hos oss" in html


def test_the_500_page_itself_asks_nothing_of_the_database(rf, django_assert_num_queries):
    from django.urls import get_resolver

    server_error = get_resolver().resolve_error_handler(500)
    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Något gick fel hos oss" in response.content.decode()
