"""Form widgets that render long option lists quickly.

Django renders every ``<option>`` of a select through a template of its own. For an asset's
edit form that is the catalogue's hundreds of models plus the locations and cost centres:
most of the page's time under load. :class:`QuickSelect` writes the same HTML in Python.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


class QuickSelect(forms.Select):
    """A single-choice select written out in Python; option groups are kept."""

    def render(
        self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        parts = [format_html("<select{}>", flatatt(final_attrs))]
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # an option group: (group label, options)
                parts.append(format_html('<optgroup label="{}">', option_value))
                parts.extend(self._option(v, text, chosen) for v, text in label)
                parts.append("</optgroup>")
            else:
                parts.append(self._option(option_value, label, chosen))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above

    @staticmethod
    def _option(value: Any, label: Any, chosen: set[str]) -> str:
        text = "" if value is None else str(value)
        selected = " selected" if text in chosen else ""
        # The standard library's escape: Django's lazy-aware one costs more per call.
        return f'<option value="{escape(text)}"{selected}>{escape(str(label))}</option>'
