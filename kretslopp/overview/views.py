"""The home page: the reader's estate in numbers, composed of the panels the apps registered."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from kretslopp.core.registry import Panel, registry
from kretslopp.organisation.access import Access, Action, access_for
from kretslopp.organisation.models import Organisation, Role


def rendered_panels(panels: list[Panel], request: HttpRequest, access: Access, **subject) -> list:
    """Each panel's HTML in order; a panel whose context is None has nothing for this reader
    and is left out rather than shown empty."""
    html: list[SafeString] = []
    for panel in panels:
        context = panel.context(request, access, **subject)
        if context is not None:
            html.append(mark_safe(render_to_string(panel.template, context)))
    return html


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
        "panels": rendered_panels(list(registry.dashboard_panels), request, access),
    }
    return render(request, "overview/home.html", context)
