"""The chain of custody on the web: collecting by scan, handing over, the partner report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kretslopp.circular import collection, handover, readers
from kretslopp.circular.forms import HandOverForm, PartnerReportForm, ScanForm, UnknownDeviceForm
from kretslopp.circular.models import Campaign, CampaignItem, Manifest
from kretslopp.circular.report import PartnerReportTarget
from kretslopp.circular.views.common import campaign_in_scope, export, reader
from kretslopp.core.uploads import files_of
from kretslopp.imports import runs
from kretslopp.imports.models import ImportJob
from kretslopp.organisation.access import Access, Action, access_for

RECENT = 15
MAX_BATCH = 20_000


def _collector(request: HttpRequest, pk: int) -> tuple[Access, Campaign]:
    access = access_for(request.user)
    access.require(Action.EDIT_ASSETS)
    return access, campaign_in_scope(access, pk)


def _collect_page(request, access, campaign, *, unknown_form=None, status=200) -> HttpResponse:
    items = access.scope_campaign_items(CampaignItem.objects.filter(campaign=campaign))
    context = {
        "campaign": campaign,
        "form": ScanForm(campaign=campaign, initial={"point": request.session.get("point")}),
        "unknown_form": unknown_form,
        "recent": items.select_related("department").order_by("-collected_at", "-pk")[:RECENT],
        "collected": items.count(),
    }
    return render(request, "circular/collect.html", context, status=status)


@login_required
def collect(request: HttpRequest, pk: int) -> HttpResponse:
    """One text field with focus: scan, Enter, next scan; the page comes back focused."""
    access, campaign = _collector(request, pk)
    if request.method != "POST":
        return _collect_page(request, access, campaign)
    form = ScanForm(request.POST, campaign=campaign)
    if not form.is_valid():
        messages.error(request, _("Scan or type an asset tag or a serial number."))
        return redirect("circular:collect", pk=campaign.pk)
    point = form.cleaned_data["point"]
    request.session["point"] = point.pk if point else None
    try:
        done = collection.collect(
            campaign, form.cleaned_data["code"], access=access, by=request.user, point=point
        )
    except collection.CollectionRefused as refused:
        messages.error(request, refused.message)
        if refused.code == "unknown":
            unknown = UnknownDeviceForm(
                campaign=campaign,
                access=access,
                initial={"serial": form.cleaned_data["code"], "point": point},
            )
            return _collect_page(request, access, campaign, unknown_form=unknown, status=404)
        return redirect("circular:collect", pk=campaign.pk)
    messages.success(request, done.message)
    return redirect("circular:collect", pk=campaign.pk)


@login_required
@require_POST
def collect_batch(request: HttpRequest, pk: int) -> HttpResponse:
    """A scanner's stored batch, pasted one code per line; each scan judged on its own."""
    access, campaign = _collector(request, pk)
    codes = request.POST.get("codes", "").splitlines()[:MAX_BATCH]
    try:
        batch = collection.collect_many(campaign, codes, access=access, by=request.user)
    except collection.CollectionRefused as refused:
        messages.error(request, refused.message)
        return redirect("circular:collect", pk=campaign.pk)
    messages.success(request, _("%(count)s collected.") % {"count": len(batch.collected)})
    for code, reason in batch.refused[:50]:
        messages.error(request, f"{code}: {reason}")
    return redirect("circular:collect", pk=campaign.pk)


@login_required
@require_POST
def collect_unknown(request: HttpRequest, pk: int) -> HttpResponse:
    access, campaign = _collector(request, pk)
    form = UnknownDeviceForm(request.POST, campaign=campaign, access=access)
    if not form.is_valid():
        return _collect_page(request, access, campaign, unknown_form=form, status=400)
    try:
        done = collection.collect_unknown(
            campaign,
            category=form.cleaned_data["category"],
            serial=form.cleaned_data["serial"],
            department=form.cleaned_data["department"],
            access=access,
            by=request.user,
            point=form.cleaned_data["point"],
        )
    except collection.CollectionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.warning(request, done.message)
    return redirect("circular:collect", pk=campaign.pk)


@login_required
def hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.MANAGE_TAKEBACK)
    campaign = campaign_in_scope(access, pk)
    form = HandOverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            manifest = handover.hand_over(campaign, **form.cleaned_data, by=request.user)
        except handover.TakebackRefused as refused:
            messages.error(request, str(refused))
            return redirect(campaign)
        messages.success(
            request,
            _("Manifest %(number)s: %(count)s items handed over to %(partner)s.")
            % {
                "number": manifest.number,
                "count": manifest.items.count(),
                "partner": campaign.partner.name,
            },
        )
        return redirect(manifest)
    waiting = handover.awaiting_handover(campaign).select_related("department")
    context = {"campaign": campaign, "form": form, "waiting": waiting, "count": waiting.count()}
    return render(request, "circular/hand_over.html", context)


MANIFEST_HEADERS = (
    "manifest",
    "asset_tag",
    "serial_number",
    "category",
    "department",
    "has_storage",
    "unknown_device",
    "collected_at",
)


def _manifest(request: HttpRequest, pk: int, manifest_pk: int) -> tuple[Access, Campaign, Manifest]:
    access = reader(request)
    campaign = campaign_in_scope(access, pk)
    return access, campaign, get_object_or_404(Manifest, campaign=campaign, pk=manifest_pk)


@login_required
def manifest_detail(request: HttpRequest, pk: int, manifest_pk: int) -> HttpResponse:
    """The manifest as a print-friendly page, with signatures.

    A department-bound reader sees their departments' items on it, as on the campaign page;
    the partner who signed for it, and organisation-wide roles, see every item.
    """
    access, campaign, manifest = _manifest(request, pk, manifest_pk)
    items = (
        readers.manifest_items(access, manifest)
        .select_related("department")
        .order_by("asset_tag", "pk")
    )
    context = {
        "campaign": campaign,
        "manifest": manifest,
        "items": items,
        "scoped": access.department_bound,
    }
    return render(request, "circular/manifest.html", context)


@login_required
def manifest_export(request: HttpRequest, pk: int, manifest_pk: int, fmt: str) -> HttpResponse:
    """The manifest's items as CSV or XLSX: the same items the page shows the reader."""
    access, _campaign, manifest = _manifest(request, pk, manifest_pk)
    values = (
        readers.manifest_items(access, manifest)
        .order_by("asset_tag", "pk")
        .values_list(
            "asset_tag",
            "serial_number",
            "category",
            "department__code",
            "has_storage",
            "unknown_device",
            "collected_at",
        )
    )
    rows = (
        (manifest.number, *row[:-1], timezone.localtime(row[-1]).replace(tzinfo=None))
        for row in values
    )
    return export(fmt, f"manifest-{manifest.number}", MANIFEST_HEADERS, rows)


@login_required
def partner_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload the partner's CSV/XLSX report: it is kept and checked, and the preview (with
    its columns to correct) decides; then all rows are applied or none."""
    access = reader(request)
    campaign = campaign_in_scope(access, pk)
    if not access.may_report_for(campaign.partner_id):
        raise PermissionDenied
    form = PartnerReportForm(request.POST or None, files_of(request) or None)
    if request.method == "POST" and form.is_valid():
        job = runs.start_upload(
            form.cleaned_data["file"],
            access=access,
            user=request.user,
            target_name=PartnerReportTarget.name,
            options={"campaign": campaign.pk},
        )
        return redirect(job)
    jobs = ImportJob.objects.filter(
        user=request.user, target=PartnerReportTarget.name, options__campaign=campaign.pk
    )[:10]
    context = {
        "campaign": campaign,
        "form": form,
        "jobs": list(jobs),
        "back": reverse("circular:campaign", args=[campaign.pk]),
    }
    return render(request, "circular/partner_report.html", context)
