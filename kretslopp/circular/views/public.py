"""The employee page: a campaign's headline numbers for everyone, no login, no personal data.

Only counts and sums are shown — no assignee, no serial number, no asset tag — so the page
can be linked from the intranet and printed on a poster. The address is the campaign's
non-guessable slug, and the page answers only while the campaign is marked public.

It speaks to an employee in plain words and round numbers; the factors, the method and the
sources (with their titles as published) are one click away, under "How we counted".
"""

from __future__ import annotations

import math

from django.contrib.humanize.templatetags.humanize import intword
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format

from kretslopp import footprint
from kretslopp.carbon.services import Choice
from kretslopp.circular.figures import Comparisons, comparisons, figures_for
from kretslopp.circular.models import Campaign, CampaignItem


def public_campaign(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = Campaign.objects.filter(public_slug=slug, public=True).first()
    if campaign is None:
        raise Http404
    choice = Choice.current()
    figures = figures_for(CampaignItem.objects.filter(campaign=campaign), choice)
    compared = comparisons(figures)
    context = {
        "campaign": campaign,
        "figures": figures,
        "method": footprint.get_avoided_set(choice.avoided_set),
        "comparisons": compared,
        "plain": plain_figures(compared),
        "share_url": request.build_absolute_uri(request.path),
    }
    return render(request, "circular/public.html", context)


def plain_figures(compared: Comparisons) -> dict[str, str | None]:
    """The comparisons as an employee reads them: rounded, in the page's number format."""
    per_computer = compared.per_computer_kg
    return {
        "car_km": roughly(compared.car_km),
        "laptops": roughly(compared.laptops),
        "per_computer_kg": roughly(per_computer) if per_computer else None,
        "per_computer_km": roughly(compared.per_computer_km) if per_computer else None,
        "car_g_per_km": number_format(compared.car_kg_co2_per_km * 1000, 1),
        "laptop_kg": number_format(round(compared.laptop_kg_co2e), 0, force_grouping=True),
    }


def roughly(value: float | None) -> str:
    """A figure rounded as one would say it: two significant digits, millions in words.

    An estimate with a wide range ("2 200 km", "16,4 miljoner") reads honestly; seven exact
    digits would claim a precision the factors do not have.
    """
    if value is None:
        return "–"
    if value >= 1_000_000:
        return intword(round(value))
    if value < 10:
        return number_format(value, 1) if value else "0"
    digits = 2 - int(math.floor(math.log10(abs(value)))) - 1
    return number_format(round(value, digits), 0, force_grouping=True)
