"""Edit forms that never silently undo someone else's change.

Two people open the same record; one saves; the other, still looking at the old values,
saves too — and without a check, the second save quietly puts the first one's fields back.
:class:`VersionedModelForm` carries the record's version as it was shown (``updated_at``
and its latest audit entry) and :meth:`VersionedModelForm.save_unless_changed` refuses to
save over a newer version, saying who changed which fields meanwhile. The form then
carries the current version, so saving again is a decision made knowing the other change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db import models, transaction
from django.utils.translation import gettext

from kretslopp.core import audit
from kretslopp.core.history import entries_of, field_label


class VersionedModelForm(forms.ModelForm):
    """A ModelForm for a model with ``updated_at``; edits save through save_unless_changed."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["seen"]
        else:
            self.fields["seen"].initial = version_of(self.instance)

    def save_unless_changed(self, *, by: Any) -> models.Model | None:
        """Save and return the record, or None (with a form error) if it changed meanwhile."""
        with audit.acting_as(by), transaction.atomic():
            if self.instance.pk is not None:
                stored = (
                    type(self.instance)
                    ._default_manager.select_for_update()
                    .only("updated_at")
                    .get(pk=self.instance.pk)
                )
                refusal = stale(stored, self.cleaned_data.get("seen") or "")
                if refusal is not None:
                    self.data = self.data.copy()
                    self.data[self.add_prefix("seen")] = version_of(stored)
                    self.add_error(None, refusal)
                    return None
            return self.save()


def version_of(instance: models.Model) -> str:
    """``<updated_at>#<latest audit entry id>``: what changed since can then be named."""
    latest = entries_of(instance).order_by("-pk").values_list("pk", flat=True).first() or 0
    updated_at: dt.datetime = instance.updated_at  # type: ignore[attr-defined]
    return f"{updated_at.isoformat()}#{latest}"


def stale(stored: models.Model, seen: str) -> str | None:
    """Why a change made on version ``seen`` must not be saved over ``stored``; None if it may.

    An empty ``seen`` (the client did not say which version it saw) is not checked.
    """
    saved_at, _sep, last_entry = seen.partition("#")
    if not seen or saved_at == stored.updated_at.isoformat():  # type: ignore[attr-defined]
        return None
    return _changed_meanwhile(stored, int(last_entry) if last_entry.isdigit() else 0)


def _changed_meanwhile(instance: models.Model, last_entry: int) -> str:
    since = entries_of(instance).filter(pk__gt=last_entry).select_related("actor")
    who = sorted({str(entry.actor) if entry.actor else gettext("the system") for entry in since})
    changed = sorted(
        {field_label(type(instance), name) for entry in since for name in entry.changes}
    )
    return gettext(
        "%(who)s changed this record after you opened it (%(fields)s), so your changes were "
        "not saved. Check the values below against the saved ones; saving again "
        "overwrites their change."
    ) % {"who": ", ".join(who) or gettext("Someone"), "fields": ", ".join(changed) or "–"}
