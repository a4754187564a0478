"""The comparison page, the publication page and the download of what is published."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kretslopp.core.downloads import table_download
from kretslopp.core.uploads import files_of
from kretslopp.exchange import access as exchange_access
from kretslopp.exchange import comparison, published, values
from kretslopp.exchange import format as exchange_format
from kretslopp.exchange.forms import PeerUploadForm, PublisherForm
from kretslopp.exchange.importing import TARGET_NAME
from kretslopp.exchange.models import CatalogueKpi, Peer, Publication, Publisher
from kretslopp.imports import runs
from kretslopp.imports.models import ImportJob
from kretslopp.organisation.access import access_for

#: Downloads of the published values: the JSON form, and the CSV form as every export has it.
EXPORT_FORMATS = ("json", "csv", "csv-sv", "xlsx")


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    """Our published values among the peers' per KPI and year, ranked, with warnings."""
    from kretslopp.energy.charts import chart_context
    from kretslopp.energy.vega import chart_assets

    access = access_for(request.user)
    exchange_access.require_compare(access)
    comparisons = comparison.compare()
    chosen = next((c for c in comparisons if c.kpi.kpi == request.GET.get("kpi")), None)
    chosen = chosen or (comparisons[0] if comparisons else None)
    chart = None
    if chosen is not None and chosen.years:
        labels = {
            "title": chosen.kpi.title,
            "description": chosen.kpi.definition,
            "year": _("Year"),
            "value": chosen.kpi.unit,
            "municipality": _("Municipality"),
        }
        chart = chart_context("exchange-chart", comparison.chart_spec(chosen, labels))
    context = {
        "comparisons": comparisons,
        "chosen": chosen,
        "chart": chart,
        "peers": Peer.objects.all(),
        "publisher": Publisher.current(),
        "may_publish": exchange_access.may_publish(access),
        **chart_assets(),
    }
    return render(request, "exchange/compare.html", context)


@login_required
def publish(request: HttpRequest) -> HttpResponse:
    """The lead chooses per KPI and year what is published; peers' files are uploaded here."""
    access = access_for(request.user)
    exchange_access.require_publish(access)
    publisher = Publisher.current()
    publisher_form = PublisherForm(
        initial={"municipality_code": publisher.municipality_code, "name": publisher.name}
        if publisher
        else {}
    )
    upload_form = PeerUploadForm()
    catalogue = list(CatalogueKpi.objects.all())
    memo: dict = {}
    computed = [value for kpi in catalogue for value in values.compute(kpi, access, memo)]
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "publisher":
            publisher_form = PublisherForm(request.POST)
            if publisher_form.is_valid():
                publisher = publisher or Publisher()
                publisher.municipality_code = publisher_form.cleaned_data["municipality_code"]
                publisher.name = publisher_form.cleaned_data["name"]
                publisher.save()
                messages.success(request, _("Saved."))
                return redirect("exchange:publish")
        elif action == "publish":
            chosen = {
                (kpi, int(year))
                for kpi, _sep, year in (
                    key.removeprefix("pub-").partition(":")
                    for key in request.POST.getlist("publish")
                )
                if _is_year(year)
            }
            done, withdrawn = published.publish(chosen, computed, request.user)
            messages.success(
                request,
                _("%(done)s values published or refreshed, %(withdrawn)s withdrawn.")
                % {"done": done, "withdrawn": withdrawn},
            )
            return redirect("exchange:publish")
        elif action == "upload":
            upload_form = PeerUploadForm(request.POST, files_of(request) or None)
            if upload_form.is_valid():
                job = runs.start_upload(
                    upload_form.cleaned_data["file"],
                    access=access,
                    user=request.user,
                    target_name=TARGET_NAME,
                    options={"source": upload_form.cleaned_data["source"]},
                )
                return redirect(job)
        else:
            raise Http404
    publications = {(p.kpi_id, p.period): p for p in Publication.objects.all()}
    rows = []
    by_kpi: dict[str, list] = {}
    for value in computed:
        by_kpi.setdefault(value.kpi, []).append(value)
    for kpi in catalogue:
        rows.append(
            {
                "kpi": kpi,
                "values": [
                    {"value": v, "published": publications.get((v.kpi, v.period))}
                    for v in by_kpi.get(kpi.kpi, [])
                ],
            }
        )
    context = {
        "rows": rows,
        "publisher": publisher,
        "publisher_form": publisher_form,
        "upload_form": upload_form,
        "jobs": ImportJob.objects.filter(user=request.user, target=TARGET_NAME)[:10],
    }
    return render(request, "exchange/publish.html", context)


def _is_year(text: str) -> bool:
    """Four ASCII digits, as the form's boxes send them (``"²".isdigit()`` holds too)."""
    return len(text) == 4 and text.isascii() and text.isdigit()


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The published values as a file: the JSON form or the CSV form (formula-safe)."""
    exchange_access.require_compare(access_for(request.user))
    if fmt not in EXPORT_FORMATS:
        raise Http404
    doc = published.document()
    stem = f"kpi-{doc['publisher']['municipality']}"
    if fmt == "json":
        response = HttpResponse(exchange_format.to_json(doc), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
        return response
    return table_download(
        fmt, stem, exchange_format.CSV_FIELDS, exchange_format.csv_rows(doc), sheet_name="KPI"
    )
