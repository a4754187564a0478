"""What every take-back page shares: finding a campaign in scope, and exports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase

from kretslopp.circular.models import Campaign
from kretslopp.core import downloads
from kretslopp.organisation.access import Access, Action, access_for


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
) -> HttpResponseBase:
    """A CSV or XLSX download (formula injection neutralised), as every export is made."""
    return downloads.table_download(fmt, file_stem, headers, rows)
