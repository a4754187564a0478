"""Shared fixtures: a small municipality with two departments and one login per role."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # Django models are imported where used, so the plain-Python packages'
    # tests (footprint, tabular, targets, printlogs) also run without Django configured.
    from kretslopp.inventory.models import Asset, ProductModel
    from kretslopp.organisation.models import Department, Organisation

PASSWORD = "correct-horse-battery-staple-42"
CHROMIUM = os.environ.get("KRETSLOPP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _fast_password_hashing(request):
    """Argon2 is deliberately slow; tests that create many logins use a fast hasher.

    ``test_security.py`` checks that the real configuration hashes with Argon2. Without
    pytest-django (the plain-Python packages' own runs) there is nothing to configure.
    """
    if not request.config.pluginmanager.hasplugin("django"):
        return
    settings = request.getfixturevalue("settings")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _imports_in_the_request(request):
    """Imports run inside the request in tests, whatever their size, as they did before
    background jobs: the tests of the job path (``imports/tests/test_job*.py``) set the
    size thresholds themselves, so no other test needs a worker."""
    if not request.config.pluginmanager.hasplugin("django"):
        return
    settings = request.getfixturevalue("settings")
    settings.IMPORT_JOB_BYTES = settings.IMPORT_JOB_ROWS = 10**12
    # A worker run inside the test process (``call_command("worker")``) must not lower the
    # priority of the whole test run; the worker's own test starts it as a process.
    settings.WORKER_NICENESS = 0
    # A test that writes and then reads a page sees the new figures, whatever else (a live
    # server's other threads) computes meanwhile; the memo's own tests turn it on.
    settings.STALE_FIGURES_SECONDS = 0


@dataclass
class Town:
    """The test municipality: ``own`` is the coordinator's department, ``other`` is not."""

    organisation: Organisation
    own: Department
    other: Department
    laptop: ProductModel
    monitor: ProductModel
    own_asset: Asset
    other_asset: Asset
    users: dict[str, object]


#: The town's logins, one per role, in the order the access matrices list them.
ROLES = [
    "administrator",
    "sustainability_lead",
    "procurement",
    "coordinator",
    "viewer",
    "viewer_all",
    "partner",
    "no_role",
]


def make_user(username: str, role: str | None, departments=(), all_departments=False):
    from django.contrib.auth import get_user_model

    from kretslopp.organisation.models import Membership

    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    if role is not None:
        membership = Membership.objects.create(
            user=user, role=role, all_departments=all_departments
        )
        membership.departments.set(departments)
    return user


def make_asset(tag: str, model: ProductModel, department: Department, status="in_use", **extra):
    from kretslopp.inventory.models import Asset, LifecycleEvent

    asset = Asset.objects.create(
        asset_tag=tag,
        serial_number=extra.pop("serial_number", f"SN-{tag}"),
        model=model,
        department=department,
        status=status,
        in_use_date=extra.pop("in_use_date", dt.date(2022, 3, 1)),
        has_storage=extra.pop("has_storage", model.category != "monitor"),
        **extra,
    )
    LifecycleEvent.objects.create(asset=asset, from_status="", to_status=status)
    return asset


def edit_form_data(client, url: str, **changes) -> dict:
    """What the edit form at ``url`` sends as shown, hidden fields too, with ``changes``.

    Empty values are left out, as a browser leaves out an unticked box: for every field
    type that means the same as sending it empty.
    """
    form = client.get(url).context["form"]
    data = {}
    for field in form:
        value = field.value()
        if value is True:
            value = "on"
        if value not in (None, "", False, []):
            data[field.html_name] = value
    return data | changes


def downloaded(response) -> bytes:
    """The bytes of a download, whether it was sent in one piece or streamed."""
    assert response.status_code == 200, response.status_code
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def save_over_a_colleague(client, url: str, *, me, colleague, mine: dict, theirs: dict):
    """Both open the edit form at ``url``; the colleague saves ``theirs`` first, then I save
    ``mine`` from my now stale form. Returns my response and what my form sent."""
    client.force_login(me)
    stale = edit_form_data(client, url, **mine)
    client.force_login(colleague)
    fresh = edit_form_data(client, url, **theirs)
    assert client.post(url, fresh).status_code == 302
    client.force_login(me)
    return client.post(url, stale), stale


def refusal_of(response) -> str:
    """The form-wide error a refused save shows."""
    assert response.status_code == 200
    return " ".join(response.context["form"].non_field_errors())


@pytest.fixture
def town(db) -> Town:
    from kretslopp.inventory.models import Manufacturer, ProductModel
    from kretslopp.organisation.models import Department, Location, Organisation, Person, Role

    organisation = Organisation.objects.create(name="Teststad", employees=1000)
    own = Department.objects.create(code="GRF", name="Grundskoleförvaltningen", employees=600)
    other = Department.objects.create(code="MF", name="Miljöförvaltningen", employees=400)
    Location.objects.create(name="Stadshuset", department=own)
    dell = Manufacturer.objects.create(name="Dell")
    laptop = ProductModel.objects.create(manufacturer=dell, name="Latitude 5420", category="laptop")
    monitor = ProductModel.objects.create(manufacturer=dell, name="P2422H", category="monitor")
    Person.objects.create(identifier="anv000001", department=own)
    users = {
        "administrator": make_user("admin", Role.ADMINISTRATOR),
        "sustainability_lead": make_user("lead", Role.SUSTAINABILITY_LEAD),
        "procurement": make_user("buyer", Role.PROCUREMENT),
        "coordinator": make_user("coord", Role.COORDINATOR, [own]),
        "viewer": make_user("viewer", Role.VIEWER, [own]),
        "viewer_all": make_user("viewer_all", Role.VIEWER, all_departments=True),
        "partner": make_user("partner", Role.PARTNER),
        "no_role": make_user("nobody", None),
    }
    return Town(
        organisation=organisation,
        own=own,
        other=other,
        laptop=laptop,
        monitor=monitor,
        own_asset=make_asset("MS-0000001", laptop, own),
        other_asset=make_asset("MS-0000002", laptop, other),
        users=users,
    )


@pytest.fixture
def login(client):
    """Log the test client in as a user; returns the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright, headless; a missing browser fails."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test database and the
    # live server are ordinary synchronous Django, which is safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="sv-SE", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def token_for():
    """``token_for(user, "read", "write")`` → (token, secret): an API token for a login."""
    from kretslopp.api.models import ApiToken

    def _token_for(user, *scopes: str, days: int = 30):
        return ApiToken.issue(user, "test", set(scopes or ("read", "write")), days)

    return _token_for


@pytest.fixture
def api_as(token_for):
    """``api_as(user, "read")``: a JSON API client with a fresh token for ``user``."""
    from kretslopp.api.testing import ApiClient

    def _api_as(user, *scopes: str):
        _token, secret = token_for(user, *scopes)
        return ApiClient(secret)

    return _api_as
