"""One edit page for every record: the access check, the stale-edit guard and the audit.

Each add or edit page of the project did the same five things by hand: ask the user's
access before looking anything up (so everyone refused is refused alike, whichever record
they name), find the record within what the user may see, bind the form, save it through
:meth:`kretslopp.core.forms.VersionedModelForm.save_unless_changed` (which refuses to save
over a newer version and attributes the write to the user on the audit trail), and on
success say so and go back. :class:`EditView` does them once; a page names its form, its
template and its permission, and overrides only what differs.

The user's access comes from the rule the organisation app registers
(``registry.access``), so this kernel module imports no app above it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import models
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from kretslopp.core.registry import registry
from kretslopp.core.uploads import files_of

#: The key under which the organisation app registers ``access_for(user)``.
ACCESS_RULE = "user"


def access_of(request: HttpRequest) -> Any:
    """The signed-in user's access (``kretslopp.organisation.access.Access``)."""
    return registry.access[ACCESS_RULE](request.user)


class EditView(LoginRequiredMixin, View):
    """Add (no record) or change (a record) through a stale-edit guarded form.

    GET shows the form; a valid POST is saved unless the record changed since the form was
    shown, then the page redirects with a message; otherwise the form comes back with its
    errors (a refused save names who changed which fields meanwhile). In order:
    :meth:`check_access` (before any lookup), :meth:`get_object`, :meth:`instead` (an
    answer in place of the form), :meth:`other_post` (a POST that is no save),
    :meth:`page_context`
    (before the form is bound: a refused form has put its values on the record),
    :meth:`get_form`, :meth:`check_form` (on valid data), :meth:`save`.
    """

    form_class: type[BaseForm]
    template_name: str
    #: What the user must be allowed to do (an ``organisation.access.Action``); None: the
    #: page checks in :meth:`check_access` itself.
    action: Any = None
    #: Whether the form takes files (bound with :func:`kretslopp.core.uploads.files_of`, so an
    #: upload stopped at the limit reaches the form as a refusal).
    uploads: bool = False

    access: Any
    object: models.Model | None

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.handle()

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.handle()

    def handle(self) -> HttpResponse:
        self.access = access_of(self.request)
        self.check_access()
        self.object = self.get_object()
        answer = self.instead()
        if answer is not None:
            return answer
        if self.request.method == "POST":
            answer = self.other_post()
            if answer is not None:
                return answer
        page = self.page_context()
        form = self.get_form()
        if self.request.method == "POST" and self.is_valid(form):
            self.check_form(form)
            saved = self.save(form)
            if saved is not None:
                message = self.success_message(saved)
                if message:
                    messages.success(self.request, message)
                return redirect(self.success_url(saved))
        return render(self.request, self.template_name, {**page, **self.get_context(form)})

    # --- what a page may override ---------------------------------------------------------

    def check_access(self) -> None:
        """Refuse (403) before anything is looked up; by default: may do :attr:`action`."""
        if self.action is not None:
            self.access.require(self.action)

    def get_object(self) -> models.Model | None:
        """The record to change, looked up within the user's reach; None: a new one."""
        return None

    def instead(self) -> HttpResponse | None:
        """An answer in place of the form (a record that may no longer change); None: the form."""
        return None

    def other_post(self) -> HttpResponse | None:
        """The answer to a POST that is no save (a remove button on the page); None: a save."""
        return None

    def page_context(self) -> dict[str, Any]:
        """Title, way back and the like, from the record as saved."""
        return {}

    def form_kwargs(self) -> dict[str, Any]:
        """Arguments the form takes besides the data and the record (``access=…``)."""
        return {}

    def get_form(self) -> BaseForm:
        files = (files_of(self.request) or None) if self.uploads else None
        return self.form_class(
            self.request.POST or None, files, instance=self.object, **self.form_kwargs()
        )

    def is_valid(self, form: BaseForm) -> bool:
        return form.is_valid()

    def check_form(self, form: BaseForm) -> None:
        """Refuse (403) valid data the user may not save (another department's record)."""

    def save(self, form: BaseForm) -> models.Model | None:
        """The saved record, or None when it changed meanwhile (the form then says so)."""
        return form.save_unless_changed(by=self.request.user)  # type: ignore[attr-defined]

    def success_message(self, saved: models.Model) -> str:
        return ""

    def success_url(self, saved: models.Model) -> Any:
        """Where to go after saving: anything ``redirect`` takes (by default the record)."""
        return saved

    def get_context(self, form: BaseForm) -> dict[str, Any]:
        return {"form": form}
