"""The home page: the reader's estate in numbers, composed of the panels the apps registered."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kretslopp.core.panels import rendered_panels
from kretslopp.core.registry import registry
from kretslopp.organisation.access import Action, access_for
from kretslopp.organisation.models import Organisation, Role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where each user starts: their estate in numbers, scoped to what they may see."""
    access = access_for(request.user)
    if access.role == Role.PARTNER:
        # A take-back partner works on its campaigns only; that is its start page.
        return redirect("circular:campaigns")
    if access.role is None:  # a login nobody has given a role: say whom to ask
        return redirect("organisation:no_role")
    access.require(Action.VIEW)
    context = {
        "organisation": Organisation.current(),
        "panels": rendered_panels(registry.dashboard_panels, request, access),
    }
    return render(request, "overview/home.html", context)
