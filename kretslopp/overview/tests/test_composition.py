"""The overview knows no domain: its menu and home page show what the apps registered."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kretslopp.core.registry import NavigationEntry, Panel, registry
from kretslopp.organisation.access import Access, access_for


@pytest.fixture
def registered():
    """Register throw-away entries for one test and remove them afterwards."""
    added: list[tuple[object, str]] = []

    def register(store, key: str, entry) -> None:
        store.register(key, entry)
        added.append((store, key))

    yield register
    for store, key in added:
        store.unregister(key)


def _menu(client) -> list[str]:
    return [str(item["label"]) for item in client.get(reverse("home")).context["navigation"]]


@pytest.mark.django_db
def test_the_menu_is_what_the_apps_registered_and_the_reader_may_see(town, login, registered):
    always = lambda access: True  # noqa: E731
    registered(
        registry.navigation, "probe:shown", NavigationEntry("audit_log", "Probe", always, 99)
    )
    registered(registry.navigation, "probe:no_url", NavigationEntry("no:such", "Ghost", always))
    registered(
        registry.navigation,
        "probe:refused",
        NavigationEntry("audit_log", "Forbidden", Access.may_manage_logins),
    )
    menu = _menu(login(town.users["viewer"]))
    assert menu[-1] == "Probe"  # placed by its order, after every app's entries
    assert "Ghost" not in menu  # a URL that does not exist is never a placeholder page
    assert "Forbidden" not in menu
    expected = [
        str(entry.label)
        for key, entry in registry.navigation.items()
        if not key.startswith("probe:") and entry.allowed(access_for(town.users["viewer"]))
    ]
    assert menu[:-1] == expected


@pytest.mark.django_db
def test_the_home_page_shows_each_registered_panel_that_has_something(town, login, registered):
    registered(
        registry.dashboard_panels,
        "probe:panel",
        Panel("overview/tests/probe_panel.html", lambda request, access: {"word": "kretsprov"}),
    )
    registered(
        registry.dashboard_panels,
        "probe:empty",
        Panel("overview/tests/probe_panel.html", lambda request, access: None),
    )
    page = login(town.users["viewer"]).get(reverse("home")).content.decode()
    assert page.count('class="card probe"') == 1
    assert "kretsprov" in page


@pytest.mark.django_db
def test_without_panels_the_home_page_says_what_to_do(town, login, monkeypatch):
    monkeypatch.setattr(registry, "dashboard_panels", type(registry.dashboard_panels)("panel"))
    page = login(town.users["viewer"]).get(reverse("home")).content.decode()
    assert str(_("Nothing to show yet. Import assets to see your estate here.")) in page


def test_every_registered_import_command_is_a_subcommand(capsys):
    with pytest.raises(SystemExit):
        call_command("import", "--help")
    listed = capsys.readouterr().out
    for name, _entry in registry.import_commands.items():
        assert name in listed
