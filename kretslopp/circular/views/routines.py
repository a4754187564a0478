"""Routines pages: devices not returned after a replacement, and lost or stolen devices."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kretslopp.circular import routines
from kretslopp.circular.forms import TakebackSettingsForm
from kretslopp.circular.models import TakebackSettings
from kretslopp.circular.views.common import export
from kretslopp.core import audit
from kretslopp.organisation.access import Action, access_for
from kretslopp.organisation.models import Organisation

NOT_RETURNED_HEADERS = (
    "department",
    "asset_tag",
    "serial_number",
    "manufacturer",
    "model",
    "category",
    "assignee",
    "in_use_since",
    "replacement_tag",
    "replaced_on",
)
LOST_HEADERS = ("department", "asset_tag", "serial_number", "model", "category", "status", "since")


@login_required
def not_returned(request: HttpRequest) -> HttpResponse:
    """Per department, the old devices of people who got a replacement more than N days ago."""
    access = access_for(request.user)
    access.require(Action.VIEW)
    days = routines.parse_days(request.GET.get("days"), TakebackSettings.days())
    assets = routines.not_returned(access, days)
    fmt = request.GET.get("format")
    if fmt:
        return export(fmt, f"not-returned-{days}-days", NOT_RETURNED_HEADERS, _rows(assets))
    context = {
        "days": days,
        "assets": assets[:500],
        "total": assets.count(),
        "per_department": routines.per_department(assets),
        "settings_form": TakebackSettingsForm(initial={"not_returned_days": days}),
        "can_manage": access.can(Action.MANAGE_TAKEBACK),
    }
    return render(request, "circular/not_returned.html", context)


def _rows(assets):
    for asset in assets.iterator(chunk_size=2000):
        yield (
            asset.department.name,
            asset.asset_tag,
            asset.serial_number,
            asset.model.manufacturer.name,
            asset.model.name,
            asset.model.category,
            asset.assignee.identifier if asset.assignee else "",
            asset.in_use_date,
            asset.replacement_tag,
            asset.replaced_on,
        )


@login_required
@require_POST
def save_settings(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.MANAGE_TAKEBACK)
    organisation = Organisation.current()
    if organisation is None:
        return redirect("circular:not_returned")
    current, _created = TakebackSettings.objects.get_or_create(organisation=organisation)
    form = TakebackSettingsForm(request.POST, instance=current)
    if form.is_valid():
        with audit.acting_as(request.user):
            form.save()
        messages.success(request, _("The organisation's number of days is saved."))
    else:
        messages.error(request, _("Give a number of days between 1 and 3650."))
    return redirect("circular:not_returned")


@login_required
def lost_register(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.VIEW)
    assets = routines.lost_and_stolen(access)
    fmt = request.GET.get("format")
    if fmt:
        rows = (
            (
                a.department.name,
                a.asset_tag,
                a.serial_number,
                f"{a.model.manufacturer.name} {a.model.name}",
                a.model.category,
                a.status,
                timezone.localdate(a.status_changed_at),
            )
            for a in assets.iterator(chunk_size=2000)
        )
        return export(fmt, "lost-and-stolen", LOST_HEADERS, rows)
    return render(
        request, "circular/lost_register.html", {"assets": assets[:500], "total": assets.count()}
    )
