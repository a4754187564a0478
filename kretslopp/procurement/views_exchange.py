"""Sharing requirements between municipalities: export a procurement's criteria, import
another's (issue 13, point 8; the format is in ``docs/criteria-exchange.md``).

The import is the one import job flow's (:func:`kretslopp.imports.runs.start_upload`): the
file is kept with its job, the shared preview shows every located problem or what would be
written, and confirming runs the same checks again and writes all rows or none.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from kretslopp.core.downloads import safe_stem
from kretslopp.core.uploads import files_of
from kretslopp.imports import runs
from kretslopp.imports.models import ImportJob
from kretslopp.organisation.access import Action, access_for
from kretslopp.organisation.models import Organisation
from kretslopp.procurement import exchange
from kretslopp.procurement.exchange_import import TARGET_NAME
from kretslopp.procurement.forms_follow_up import ExchangeUploadForm
from kretslopp.procurement.models import Procurement

CONTENT_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8"}


def records_of(procurement: Procurement) -> list[dict[str, object]]:
    """The exchange fields of every criterion the procurement uses — no price, no bidder."""
    out = []
    for use in procurement.criterion_uses.select_related("criterion").order_by("order", "pk"):
        values = use.criterion.content()
        values["criterion_id"] = use.criterion.criterion_id
        values["interpretation"] = use.interpretation
        values["evidence_note"] = use.evidence_note
        out.append(values)
    return out


@login_required
def criteria_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    access_for(request.user).require(Action.VIEW_PROCUREMENT)
    if fmt not in CONTENT_TYPES:
        raise Http404
    procurement = get_object_or_404(Procurement, pk=pk)
    records = records_of(procurement)
    if fmt == "json":
        organisation = Organisation.objects.order_by("pk").first()
        header = exchange.Header(
            publisher=organisation.name if organisation else "",
            product_group=procurement.product_group,
            exported_at=timezone.now().isoformat(timespec="seconds"),
        )
        content = exchange.to_json(records, header)
    else:
        content = exchange.to_csv(records)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    name = f"kriterier-{safe_stem(procurement.reference)}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def criteria_exchange(request: HttpRequest) -> HttpResponse:
    """Export links for every procurement, and the upload of a received file, which becomes
    an import job: its preview shows every located problem or what would be written."""
    access = access_for(request.user)
    access.require(Action.VIEW_PROCUREMENT)
    can_import = access.can(Action.MANAGE_PROCUREMENT)
    form = None
    if request.method == "POST":
        access.require(Action.MANAGE_PROCUREMENT)
        form = ExchangeUploadForm(request.POST, files_of(request) or None)
        if form.is_valid():
            job = runs.start_upload(
                form.cleaned_data["file"],
                access=access,
                user=request.user,
                target_name=TARGET_NAME,
                options={"imported_from": form.cleaned_data["sender"]},
            )
            return redirect(job)
    elif can_import:
        form = ExchangeUploadForm()
    jobs = ImportJob.objects.filter(user=request.user, target=TARGET_NAME)[:10]
    context: dict[str, object] = {
        "procurements": Procurement.objects.order_by("-pk"),
        "can_import": can_import,
        "form": form,
        "jobs": list(jobs) if can_import else [],
    }
    return render(request, "procurement/criteria_exchange.html", context)
