"""What every take-back page shares: finding a campaign in scope, and exports."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from kretslopp.circular.models import Campaign
from kretslopp.organisation.access import Access, Action, access_for
from kretslopp.tabular import write_csv, write_xlsx

EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def reader(request: HttpRequest) -> Access:
    """Anyone who may read records, and partners (who read only their own campaigns)."""
    access = access_for(request.user)
    if not (access.can(Action.VIEW) or access.is_partner):
        raise PermissionDenied
    return access


def campaign_in_scope(access: Access, pk: int) -> Campaign:
    """The campaign if the user may see it; 404 otherwise, exactly like a missing one."""
    found = access.scope_campaigns(Campaign.objects.select_related("partner")).filter(pk=pk)
    campaign = found.first()
    if campaign is None:
        raise Http404
    return campaign


def export(
    fmt: str, file_stem: str, headers: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    """A CSV or XLSX download through tabular's writers (formula injection neutralised)."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    response = HttpResponse(content_type=EXPORT_FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{file_stem}.{fmt}"'
    if fmt == "csv":
        write_csv(response, headers, rows)
    else:
        buffer = io.BytesIO()
        write_xlsx(buffer, headers, rows)
        response.write(buffer.getvalue())
    return response
