"""The overview page and small shared endpoints."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kretslopp.carbon import services as carbon
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import Asset, ProductCategory, Status
from kretslopp.organisation.access import Action, access_for
from kretslopp.organisation.models import Organisation, Role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where each user starts: their estate in numbers, scoped to what they may see."""
    access = access_for(request.user)
    if access.role == Role.PARTNER:
        # A take-back partner works on its campaigns only; that is its start page.
        return redirect("circular:campaigns")
    access.require(Action.VIEW)
    assets = access.scope(Asset.objects.all())
    by_status = dict(assets.values_list("status").annotate(n=Count("pk")).order_by())
    by_category = dict(assets.values_list("model__category").annotate(n=Count("pk")).order_by())
    custody = sum(by_status.get(code, 0) for code in lifecycle.IN_CUSTODY)
    departments = (
        access.departments()
        .annotate(
            assets_in_custody=Count("assets", filter=Q(assets__status__in=lifecycle.IN_CUSTODY))
        )
        .order_by("-assets_in_custody")
    )
    context = {
        "organisation": Organisation.current(),
        "in_custody": custody,
        "in_use": by_status.get(lifecycle.IN_USE, 0),
        "statuses": [
            (code, Status(code).label, by_status.get(code, 0)) for code in lifecycle.STATUSES
        ],
        "categories": sorted(
            (
                (code, label, by_category.get(code, 0))
                for code, label in ProductCategory.choices
                if by_category.get(code)
            ),
            key=lambda row: -row[2],
        ),
        "departments": departments,
        "by_year": list(carbon.fleet_for(access).by_year().items())[-8:],
        "choice": carbon.Choice.current(),
    }
    return render(request, "core/home.html", context)
