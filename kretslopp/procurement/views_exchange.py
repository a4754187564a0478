"""Sharing requirements between municipalities: export a procurement's criteria, import
another's (issue 13, point 8; the format is in ``docs/criteria-exchange.md``).

The import is the one import pipeline's: a preview (its dry run) shows every located
problem or what would be written; importing runs the same checks again and writes all rows
or none. Between the two steps the file travels in the form, so nothing is kept on the
server for a preview nobody confirms.
"""

from __future__ import annotations

import base64
import binascii

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from kretslopp.core.downloads import safe_stem
from kretslopp.core.uploads import files_of, source_of
from kretslopp.organisation.access import Action, access_for
from kretslopp.organisation.models import Organisation
from kretslopp.procurement import exchange
from kretslopp.procurement.exchange_import import run_file
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
    """Export links for every procurement, and the import of a received file."""
    access = access_for(request.user)
    access.require(Action.VIEW_PROCUREMENT)
    can_import = access.can(Action.MANAGE_PROCUREMENT)
    context: dict[str, object] = {
        "procurements": Procurement.objects.order_by("-pk"),
        "can_import": can_import,
        "form": ExchangeUploadForm() if can_import else None,
    }
    if request.method == "POST":
        access.require(Action.MANAGE_PROCUREMENT)
        context.update(_received(request, access))
    return render(request, "procurement/criteria_exchange.html", context)


def _received(request: HttpRequest, access) -> dict[str, object]:
    """Preview an uploaded file, or import the previewed one (sent back in the form)."""
    confirm = request.POST.get("confirm") == "1"
    if confirm:
        form = ExchangeUploadForm(request.POST, {"file": None})
        form.fields["file"].required = False
        try:
            content = base64.b64decode(request.POST.get("content", ""), validate=True)
        except (binascii.Error, ValueError):
            content = b""
        file_name = request.POST.get("file_name", "")[:200] or "criteria"
        if not form.is_valid() or not content:
            return {"form": form}
    else:
        form = ExchangeUploadForm(request.POST, files_of(request))
        if not form.is_valid():
            return {"form": form}
        upload = form.cleaned_data["file"]
        source = source_of(upload)
        if isinstance(source, str):
            with open(source, "rb") as handle:
                content = handle.read()
        else:
            content = source
        file_name = upload.name
    result = run_file(
        content,
        file_name,
        sender=form.cleaned_data["sender"],
        access=access,
        actor=request.user,
        dry_run=not confirm,
    )
    return {
        "form": ExchangeUploadForm(initial={"sender": form.cleaned_data["sender"]}),
        "result": result,
        "sender": form.cleaned_data["sender"],
        "file_name": file_name,
        "content": base64.b64encode(content).decode("ascii") if result.ok else "",
        "confirmed": confirm,
    }
