"""The employee page: a campaign's headline numbers for everyone, no login, no personal data.

Only counts and sums are shown — no assignee, no serial number, no asset tag — so the page
can be linked from the intranet and printed on a poster. The address is the campaign's
non-guessable slug, and the page answers only while the campaign is marked public.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kretslopp import footprint
from kretslopp.carbon.services import Choice
from kretslopp.circular.figures import equivalences, figures_for
from kretslopp.circular.models import Campaign, CampaignItem
from kretslopp.footprint.sources import source


def public_campaign(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = Campaign.objects.filter(public_slug=slug, public=True).first()
    if campaign is None:
        raise Http404
    choice = Choice.current()
    figures = figures_for(CampaignItem.objects.filter(campaign=campaign), choice)
    method = footprint.get_avoided_set(choice.avoided_set)
    source_ids = sorted(
        {
            sid
            for line in figures.avoided.by_category.values()
            if line.factor
            for sid in line.factor.source_ids
        }
    )
    context = {
        "campaign": campaign,
        "figures": figures,
        "method": method,
        "sources": [source(sid) for sid in source_ids],
        "equivalences": equivalences(figures.avoided.avoided_kg_co2e, choice),
        "share_url": request.build_absolute_uri(request.path),
    }
    return render(request, "circular/public.html", context)
