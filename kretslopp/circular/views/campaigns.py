"""Campaign pages: the list with campaigns side by side, one campaign's results, editing,
settling discrepancies and closing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kretslopp.carbon.services import Choice
from kretslopp.circular import handover, readers
from kretslopp.circular.figures import figures_by_department, figures_for
from kretslopp.circular.forms import AcceptForm, CampaignForm, CloseForm, CollectionPointForm
from kretslopp.circular.models import Campaign, CampaignItem, DiscrepancyState
from kretslopp.circular.views.common import campaign_in_scope, reader
from kretslopp.core.editing import EditView
from kretslopp.organisation.access import Action, access_for


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    """Every campaign in scope with its headline figures, side by side."""
    access = reader(request)
    choice = Choice.current()
    campaigns = access.scope_campaigns(Campaign.objects.select_related("partner"))
    rows = []
    for campaign in campaigns:
        items = access.scope_campaign_items(CampaignItem.objects.filter(campaign=campaign))
        rows.append((campaign, figures_for(items, choice)))
    context = {
        "rows": rows,
        "choice": choice,
        "can_manage": access.can(Action.MANAGE_TAKEBACK),
        "can_collect": access.can(Action.EDIT_ASSETS),
    }
    return render(request, "circular/campaign_list.html", context)


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = reader(request)
    campaign = campaign_in_scope(access, pk)
    choice = Choice.current()
    items = access.scope_campaign_items(CampaignItem.objects.filter(campaign=campaign))
    figures = figures_for(items, choice)
    findings = readers.discrepancies(access, campaign)
    context = {
        "campaign": campaign,
        "figures": figures,
        "by_department": figures_by_department(items, choice),
        "discrepancies": findings.select_related("item", "decided_by").order_by(
            "-state", "kind", "pk"
        ),
        "open_discrepancies": findings.filter(state=DiscrepancyState.OPEN).count(),
        "scoped": access.department_bound,
        "manifests": campaign.manifests.all(),
        "reports": campaign.reports.all(),
        "points": campaign.collection_points.all(),
        "awaiting_handover": handover.awaiting_handover(campaign).count(),
        "flagged": items.filter(unknown_device=True).count(),
        "can_manage": access.can(Action.MANAGE_TAKEBACK),
        "can_collect": access.can(Action.EDIT_ASSETS) and not campaign.is_closed,
        "can_report": access.may_report_for(campaign.partner_id) and not campaign.is_closed,
        "accept_form": AcceptForm(),
        "close_form": CloseForm(),
        "point_form": CollectionPointForm(),
        "goal_reuse_share": (campaign.goal_reuse_percent or 0) / 100,
    }
    return render(request, "circular/campaign_detail.html", context)


class CampaignEdit(EditView):
    form_class = CampaignForm
    template_name = "circular/campaign_form.html"
    action = Action.MANAGE_TAKEBACK

    def get_object(self) -> Campaign | None:
        pk = self.kwargs.get("pk")
        return campaign_in_scope(self.access, pk) if pk is not None else None

    def success_message(self, saved: Campaign) -> str:
        return _("Campaign %(name)s saved.") % {"name": saved.name}

    def get_context(self, form: CampaignForm) -> dict[str, Any]:
        return {"form": form, "campaign": self.object}


campaign_form = CampaignEdit.as_view()


@login_required
@require_POST
def add_collection_point(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.MANAGE_TAKEBACK)
    campaign = campaign_in_scope(access, pk)
    form = CollectionPointForm(request.POST)
    if form.is_valid():
        point = form.save(commit=False)
        point.campaign = campaign
        point.save()
        messages.success(request, _("Collection point %(name)s added.") % {"name": point.name})
    else:
        messages.error(request, _("The collection point needs a name."))
    return redirect(campaign)


@login_required
@require_POST
def accept_discrepancy(request: HttpRequest, pk: int, discrepancy_pk: int) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.MANAGE_TAKEBACK)
    campaign = campaign_in_scope(access, pk)
    discrepancy = get_object_or_404(readers.discrepancies(access, campaign), pk=discrepancy_pk)
    form = AcceptForm(request.POST)
    try:
        handover.accept(
            discrepancy, note=form.data.get("note", "") if form.is_bound else "", by=request.user
        )
    except handover.TakebackRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The discrepancy is accepted with your note."))
    return redirect(f"{campaign.get_absolute_url()}#discrepancies")


@login_required
@require_POST
def close_campaign(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.MANAGE_TAKEBACK)
    campaign = campaign_in_scope(access, pk)
    try:
        handover.close(campaign, note=request.POST.get("note", ""), by=request.user)
    except handover.TakebackRefused as refused:
        messages.error(request, _("Not closed: %(reason)s") % {"reason": refused})
    else:
        messages.success(request, _("Campaign %(name)s is closed.") % {"name": campaign.name})
    return redirect(campaign)
