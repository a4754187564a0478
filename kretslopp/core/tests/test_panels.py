"""A composed page's panels: rendered again exactly when what they show has changed."""

from __future__ import annotations

import copy

from django.test import RequestFactory
from django.utils import translation

from kretslopp.core.panels import rendered_panels
from kretslopp.core.registry import Panel


def use_templates_in(folder, settings) -> None:
    """Let the template engines also find templates in ``folder`` for this test only."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], str(folder)]
    settings.TEMPLATES = templates


class Counting:
    """A panel's context function that counts its calls and shows a value it is told."""

    def __init__(self) -> None:
        self.calls = 0
        self.shown = "first"

    def __call__(self, request, access, **subject):
        self.calls += 1
        return {"shown": self.shown}


def test_a_versioned_panel_is_rendered_once_per_version_and_language(db, tmp_path, settings):
    template = tmp_path / "panel.html"
    template.write_text('{% load i18n %}<p>{{ shown }} {% translate "Year" %}</p>')
    use_templates_in(tmp_path, settings)
    request = RequestFactory().get("/")
    context = Counting()
    version = {"v": ("test-panel", 1)}
    panel = Panel("panel.html", context, version=lambda request, access: version["v"])

    with translation.override("sv"):
        first = rendered_panels([panel], request, access=None)
        again = rendered_panels([panel], request, access=None)
    assert first == again == ["<p>first År</p>"]
    assert context.calls == 1  # the second visit reused the HTML

    context.shown = "second"
    with translation.override("sv"):
        unchanged = rendered_panels([panel], request, access=None)
    assert unchanged == ["<p>first År</p>"]  # same version: same page, by definition

    version["v"] = ("test-panel", 2)  # the data changed
    with translation.override("sv"):
        assert rendered_panels([panel], request, access=None) == ["<p>second År</p>"]
    with translation.override("en"):
        assert rendered_panels([panel], request, access=None) == ["<p>second Year</p>"]
    assert context.calls == 3


def test_a_panel_without_a_version_is_rendered_on_every_visit(db, tmp_path, settings):
    template = tmp_path / "plain.html"
    template.write_text("<p>{{ shown }}</p>")
    use_templates_in(tmp_path, settings)
    request = RequestFactory().get("/")
    context = Counting()
    panel = Panel("plain.html", context)
    rendered_panels([panel], request, access=None)
    context.shown = "second"
    assert rendered_panels([panel], request, access=None) == ["<p>second</p>"]
    assert context.calls == 2
