"""The quick select shows the same choices as Django's own, escaped, with the chosen one."""

from __future__ import annotations

from django import forms

from kretslopp.core.widgets import QuickSelect

CHOICES = [
    ("", "---------"),
    (1, "Dell <Latitude> & co"),
    (2, "HP \"EliteBook\" 'G9'"),
    ("Grupp", [(3, "Lenovo"), (4, "Apple")]),
]


def _options(html: str) -> list[str]:
    return [part.split(">", 1)[1] for part in html.split("<option")[1:]]


def test_it_says_what_djangos_select_says():
    quick = QuickSelect(choices=CHOICES).render("model", 2, attrs={"id": "id_model"})
    django = forms.Select(choices=CHOICES).render("model", 2, attrs={"id": "id_model"})
    assert 'name="model"' in quick and 'id="id_model"' in quick
    assert [text.split("<", 1)[0] for text in _options(quick)] == [
        text.split("<", 1)[0] for text in _options(django)
    ]
    assert '<option value="2" selected>' in quick
    assert quick.count(" selected") == 1
    assert "Dell &lt;Latitude&gt; &amp; co" in quick
    assert '<optgroup label="Grupp">' in quick and "</optgroup>" in quick


def test_a_required_field_keeps_its_attributes():
    html = QuickSelect(choices=CHOICES).render("model", None, attrs={"required": True, "id": "x"})
    assert " required" in html and 'id="x"' in html
    assert html.count(" selected") == 1 and '<option value="" selected>' in html  # as Django
