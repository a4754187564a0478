"""The procurement pages: library, procurements, offers, evaluation, protocol, contracts.

Who may do what is asked of :mod:`kretslopp.organisation.access` only: the library is read by
every reader (it is public knowledge); procurements, offers and evaluations by those who may
view procurement (they hold bidders' prices); every write needs the procurement right.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kretslopp.core import audit
from kretslopp.core.downloads import safe_stem, table_download
from kretslopp.core.editing import EditView
from kretslopp.core.uploads import files_of
from kretslopp.imports import runs
from kretslopp.imports.models import ImportJob
from kretslopp.organisation.access import Action, access_for
from kretslopp.tendering import InputError

from . import evaluation as service
from . import offerform, protocol
from .forms import (
    CriterionForm,
    CriterionUseForm,
    DecideForm,
    OfferLineForm,
    OfferUploadForm,
    ProcurementForm,
    content_changed,
)
from .models import (
    Criterion,
    CriterionUse,
    CriterionVersion,
    LabelTier,
    Offer,
    OfferLine,
    Procurement,
    ProductGroup,
)
from .models.library import CriterionType

# --- the criteria library ------------------------------------------------------------------


@login_required
def criteria(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.VIEW)
    rows = Criterion.objects.all()
    group = request.GET.get("group", "")
    kind = request.GET.get("type", "")
    query = request.GET.get("q", "").strip()
    if group in ProductGroup.values:
        rows = [row for row in rows if group in row.product_groups]
    if kind in CriterionType.values:
        rows = [row for row in rows if row.type == kind]
    if query:
        needle = query.lower()
        rows = [
            row
            for row in rows
            if needle in " ".join(
                (row.criterion_id, row.source, row.source_ref, row.title_sv, row.title_en,
                 row.summary_sv, row.summary_en)
            ).lower()
        ]  # fmt: skip
    return render(
        request,
        "procurement/criteria.html",
        {
            "rows": list(rows),
            "groups": ProductGroup.choices,
            "types": CriterionType.choices,
            "group": group,
            "type": kind,
            "q": query,
            "labels": LabelTier.objects.all(),
            "can_manage": access.can(Action.MANAGE_PROCUREMENT),
        },
    )


@login_required
def criterion(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.VIEW)
    row = get_object_or_404(Criterion, pk=pk)
    return render(
        request,
        "procurement/criterion.html",
        {
            "criterion": row,
            "versions": row.versions.select_related("saved_by"),
            "can_manage": access.can(Action.MANAGE_PROCUREMENT),
        },
    )


class _ProcurementEdit(EditView):
    """A procurement page that adds or changes a record: for the procurement right only."""

    action = Action.MANAGE_PROCUREMENT


class CriterionEdit(_ProcurementEdit):
    """A criterion changed; a change of its content keeps the text it replaces as a version."""

    form_class = CriterionForm
    template_name = "procurement/criterion_form.html"

    def get_object(self) -> Criterion:
        return get_object_or_404(Criterion, pk=self.kwargs["pk"])

    def page_context(self) -> dict[str, Any]:
        self.before = self.object.content()
        return {"criterion": self.object}

    def save(self, form: Any) -> Criterion | None:
        row = self.object
        with transaction.atomic():
            if content_changed(self.before, form.instance):
                CriterionVersion.objects.create(
                    criterion=row,
                    version=row.version,
                    content=self.before,
                    change_note=form.cleaned_data["change_note"],
                    saved_by=self.request.user,
                )
                form.instance.version = row.version + 1
            saved = super().save(form)
            if saved is None:
                transaction.set_rollback(True)
        return saved

    def success_message(self, saved: Criterion) -> str:
        return _("The criterion was saved.")


criterion_edit = CriterionEdit.as_view()


# --- procurements --------------------------------------------------------------------------


@login_required
def procurements(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.VIEW_PROCUREMENT)
    rows = Procurement.objects.annotate(
        offer_count=Count("offers", distinct=True),
        criterion_count=Count("criterion_uses", distinct=True),
    )
    return render(
        request,
        "procurement/procurements.html",
        {"rows": rows, "can_manage": access.can(Action.MANAGE_PROCUREMENT)},
    )


def _decided_refusal(request: HttpRequest, row: Procurement) -> HttpResponse | None:
    """Back to the procurement, saying why, when it is decided and may no longer change."""
    if not row.is_decided:
        return None
    messages.error(request, _("A decided procurement cannot be changed."))
    return redirect(row)


class ProcurementCreate(_ProcurementEdit):
    form_class = ProcurementForm
    template_name = "procurement/procurement_form.html"

    def save(self, form: Any) -> Procurement | None:
        form.instance.created_by = self.request.user
        return super().save(form)


class ProcurementEdit(_ProcurementEdit):
    form_class = ProcurementForm
    template_name = "procurement/procurement_form.html"

    def get_object(self) -> Procurement:
        return get_object_or_404(Procurement, pk=self.kwargs["pk"])

    def instead(self) -> HttpResponse | None:
        return _decided_refusal(self.request, self.object)

    def page_context(self) -> dict[str, Any]:
        return {"row": self.object}


procurement_create = ProcurementCreate.as_view()
procurement_edit = ProcurementEdit.as_view()


@login_required
def procurement(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.VIEW_PROCUREMENT)
    row = get_object_or_404(Procurement, pk=pk)
    offers = row.offers.select_related("supplier").annotate(line_count=Count("lines"))
    return render(
        request,
        "procurement/procurement.html",
        {
            "row": row,
            "uses": row.criterion_uses.select_related("criterion"),
            "offers": offers,
            "contracts": row.contracts.select_related("supplier"),
            "decided": service.decided(row),
            "can_manage": access.can(Action.MANAGE_PROCUREMENT) and not row.is_decided,
            "upload_form": OfferUploadForm(),
        },
    )


class CriterionUseEdit(_ProcurementEdit):
    """A criterion added to a procurement (no ``use_pk``) or its use changed."""

    form_class = CriterionUseForm
    template_name = "procurement/criterion_use_form.html"

    def get_object(self) -> CriterionUse | None:
        self.row = get_object_or_404(Procurement, pk=self.kwargs["pk"])
        use_pk = self.kwargs.get("use_pk")
        return get_object_or_404(CriterionUse, pk=use_pk, procurement=self.row) if use_pk else None

    def instead(self) -> HttpResponse | None:
        return _decided_refusal(self.request, self.row)

    def page_context(self) -> dict[str, Any]:
        return {"row": self.row, "use": self.object}

    def form_kwargs(self) -> dict[str, Any]:
        return {"procurement": self.row}

    def success_url(self, saved: CriterionUse) -> Any:
        return self.row


criterion_use_add = CriterionUseEdit.as_view()
criterion_use_edit = CriterionUseEdit.as_view()


@login_required
@require_POST
def criterion_use_remove(request: HttpRequest, pk: int, use_pk: int) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.MANAGE_PROCUREMENT)
    row = get_object_or_404(Procurement, pk=pk)
    use = get_object_or_404(CriterionUse, pk=use_pk, procurement=row)
    if not row.is_decided:
        with audit.acting_as(request.user):
            use.delete()
    return redirect(row)


# --- offers --------------------------------------------------------------------------------


@login_required
def offer_form(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.MANAGE_PROCUREMENT)
    row = get_object_or_404(Procurement, pk=pk)
    response = HttpResponse(
        offerform.build_form(row),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = safe_stem(f"anbudsformular-{row.reference}")
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def offer_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """A filled-in form through the one import job flow: kept, checked and shown on the
    job's preview (columns to correct), then written whole or not at all."""
    access = access_for(request.user)
    access.require(Action.MANAGE_PROCUREMENT)
    row = get_object_or_404(Procurement, pk=pk)
    if row.is_decided:
        messages.error(request, _("A decided procurement cannot be changed."))
        return redirect(row)
    form = OfferUploadForm(request.POST or None, files_of(request) or None)
    if request.method == "POST" and form.is_valid():
        options: dict[str, Any] = {"procurement": row.pk}
        if form.cleaned_data["organisation_number"]:
            options["organisation_number"] = form.cleaned_data["organisation_number"]
        job = runs.start_upload(
            form.cleaned_data["file"],
            access=access,
            user=request.user,
            target_name=offerform.TARGET_NAME,
            options=options,
        )
        return redirect(job)
    jobs = ImportJob.objects.filter(
        user=request.user, target=offerform.TARGET_NAME, options__procurement=row.pk
    )[:10]
    return render(
        request,
        "procurement/offer_upload.html",
        {"row": row, "form": form, "jobs": list(jobs)},
    )


@login_required
def offer_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    """An offer line entered on a page, checked by the same rules as an imported form row."""
    access = access_for(request.user)
    access.require(Action.MANAGE_PROCUREMENT)
    row = get_object_or_404(Procurement, pk=pk)
    if row.is_decided:
        messages.error(request, _("A decided procurement cannot be changed."))
        return redirect(row)
    form = OfferLineForm(request.POST or None, procurement=row)
    if request.method == "POST" and form.is_valid():
        try:
            line = form.engine_line()
        except InputError as error:
            form.add_error(
                error.column if error.column in form.fields else None,
                offerform.ENGINE_MESSAGES.get(str(error).rsplit(": ", 1)[-1], str(error)),
            )
        else:
            taken = OfferLine.objects.filter(
                offer__procurement=row, offer__supplier__name=line.bidder, line_id=line.line_id
            ).exists()
            if taken:
                form.add_error("line_id", _("The bidder's offer already has a line with this id."))
            else:
                with transaction.atomic(), audit.acting_as(request.user):
                    offerform.save_line(
                        row, line, form.cleaned_data["organisation_number"], request.user
                    )
                messages.success(request, _("The offer line was saved."))
                return redirect(row)
    return render(request, "procurement/offer_line_form.html", {"row": row, "form": form})


@login_required
def offer(request: HttpRequest, pk: int, offer_pk: int) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.VIEW_PROCUREMENT)
    row = get_object_or_404(Procurement, pk=pk)
    item = get_object_or_404(Offer.objects.select_related("supplier"), pk=offer_pk, procurement=row)
    return render(
        request, "procurement/offer.html", {"row": row, "offer": item, "lines": item.lines.all()}
    )


# --- evaluation ----------------------------------------------------------------------------


def criterion_names() -> dict[str, str]:
    """Each criterion's id at its source and title, as pages name it (not our internal id)."""
    return {
        criterion.criterion_id: f"{criterion.source_ref} {criterion.text('title')}".strip()
        for criterion in Criterion.objects.all()
    }


def _evaluation_context(row: Procurement) -> dict:
    decided = service.decided(row)
    names = criterion_names()
    if decided is not None:
        result = {**decided.result, "inputs": decided.inputs}
        return {"result": result, "decided": decided, "problem": None, "names": names}
    try:
        result = service.run(row).as_dict()
        return {"result": result, "decided": None, "problem": None, "names": names}
    except service.NotEvaluable as error:
        return {"result": None, "decided": None, "problem": str(error), "names": names}


@login_required
def evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.VIEW_PROCUREMENT)
    row = get_object_or_404(Procurement, pk=pk)
    return render(
        request,
        "procurement/evaluation.html",
        {
            **_evaluation_page_context(row),
            "decide_form": DecideForm(),
            "can_decide": access.can(Action.MANAGE_PROCUREMENT) and not row.is_decided,
        },
    )


def _evaluation_page_context(row: Procurement) -> dict:
    """What the evaluation page and its printable protocol both show: the same result."""
    context = _evaluation_context(row)
    return {
        "row": row,
        **context,
        "lots": protocol.lots(context["result"]) if context["result"] else [],
        "uses": row.criterion_uses.select_related("criterion"),
    }


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.MANAGE_PROCUREMENT)
    row = get_object_or_404(Procurement, pk=pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the model the award follows."))
        return redirect("procurement:evaluation", pk=row.pk)
    try:
        with audit.acting_as(request.user):
            service.decide(
                row, form.cleaned_data["award_model"], request.user,
                form.cleaned_data["decision_note"],
            )  # fmt: skip
    except service.NotEvaluable:
        messages.error(request, _("The procurement cannot be decided as it stands."))
        return redirect("procurement:evaluation", pk=row.pk)
    messages.success(request, _("The evaluation was decided and frozen; the contracts were made."))
    return redirect("procurement:evaluation", pk=row.pk)


@login_required
def protocol_page(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.VIEW_PROCUREMENT)
    row = get_object_or_404(Procurement, pk=pk)
    return render(request, "procurement/protocol.html", _evaluation_page_context(row))


@login_required
def protocol_export(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.VIEW_PROCUREMENT)
    row = get_object_or_404(Procurement, pk=pk)
    context = _evaluation_context(row)
    if context["result"] is None:
        messages.error(request, _("There is nothing to export until offers have come in."))
        return redirect("procurement:evaluation", pk=row.pk)
    header, rows = protocol.table(row, context["result"], context["names"])
    return table_download(
        "xlsx", f"utvarderingsprotokoll-{row.reference}", header, rows, sheet_name=_("Protocol")
    )
