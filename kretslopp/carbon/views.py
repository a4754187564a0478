"""The methodology page, the organisation's choice of method, overrides and match decisions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kretslopp import footprint
from kretslopp.carbon import services
from kretslopp.carbon.forms import FootprintSettingsForm, LifetimeScenarioForm, ModelFiguresForm
from kretslopp.carbon.models import FootprintSettings, ModelFigures, ModelMatchDecision
from kretslopp.carbon.texts import data_text
from kretslopp.core.editing import EditView
from kretslopp.footprint import ghg
from kretslopp.footprint.sources import sources
from kretslopp.inventory.models import ProductCategory, ProductModel
from kretslopp.organisation.access import Access, Action, access_for


def may_decide(access: Access) -> bool:
    """Procurement keeps the catalogue, the sustainability lead owns the method: both decide."""
    return access.can(Action.EDIT_CATALOGUE) or access.can(Action.MANAGE_METHODOLOGY)


@login_required
def methodology(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    if not access.may_read_methodology():
        raise PermissionDenied
    choice = services.Choice.current()
    labels = dict(ProductCategory.choices)
    factor_sets = []
    for set_id in footprint.factor_set_ids():
        factor_set = footprint.get_factor_set(set_id)
        factor_sets.append(
            {
                "id": set_id,
                "description": data_text(factor_set, "description"),
                "active": set_id == choice.factor_set,
                "rows": [
                    (code, labels.get(code, code), factor_set[code])
                    for code in footprint.CATEGORY_CODES
                ],
            }
        )
    this_year = timezone.localdate().year
    grids = []
    for grid_id in footprint.grid_ids():
        grid = footprint.get_grid(grid_id)
        grids.append(
            {
                "grid": grid,
                "active": grid_id == choice.grid,
                "years": [grid.factor(year) for year in range(services.FIRST_YEAR, this_year + 1)],
            }
        )
    avoided_sets = []
    for set_id in footprint.avoided_set_ids():
        avoided = footprint.get_avoided_set(set_id)
        avoided_sets.append(
            {
                "set": avoided,
                "active": set_id == choice.avoided_set,
                "rows": [
                    (labels.get(code, code), factor) for code, factor in avoided.factors.items()
                ],
                "missing": [labels.get(code, code) for code in avoided.missing_categories],
            }
        )
    context = {
        "choice": choice,
        "factor_sets": factor_sets,
        "grids": grids,
        "avoided_sets": avoided_sets,
        "sources": sorted(sources().values(), key=lambda s: s.source_id),
        "ghg_categories": list(ghg.CATEGORIES.values()),
        "can_choose": access.can(Action.MANAGE_METHODOLOGY),
        "can_read_fleet": access.can(Action.VIEW),
        "can_decide": may_decide(access),
    }
    return render(request, "carbon/methodology.html", context)


@login_required
def lifetime_scenario(request: HttpRequest) -> HttpResponse:
    """What keeping one category of the user's devices longer would change, year by year."""
    access = access_for(request.user)
    access.require(Action.VIEW)
    base = services.installed_base(access)
    labels = dict(ProductCategory.choices)
    categories = [
        (code, f"{labels.get(code, code)} ({number_format(count, force_grouping=True)})")
        for code, count in base.items()
    ]
    bound = "category" in request.GET
    form = LifetimeScenarioForm(request.GET if bound else None, categories=categories)
    scenario = None
    if bound and form.is_valid():
        lifetime = form.cleaned_data["lifetime_years"]
        scenario = services.lifetime_scenario(
            access,
            form.cleaned_data["category"],
            float(form.cleaned_data["extra_years"]),
            float(lifetime) if lifetime is not None else None,
        )
    context = {
        "form": form,
        "scenario": scenario,
        "category_label": labels.get(scenario.category) if scenario else None,
        "choice": services.Choice.current(),
        "has_devices": bool(base),
    }
    return render(request, "carbon/scenario.html", context)


@login_required
def settings_form(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    access.require(Action.MANAGE_METHODOLOGY)
    form = FootprintSettingsForm(request.POST or None, instance=FootprintSettings.current())
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The method was changed; every figure now uses it."))
        return redirect("carbon:methodology")
    return render(request, "carbon/settings.html", {"form": form})


@login_required
def match_review(request: HttpRequest) -> HttpResponse:
    """Catalogue models whose PCF match is uncertain and waits for a person's decision."""
    access = access_for(request.user)
    access.require(Action.VIEW)
    decided = set(ModelMatchDecision.objects.values_list("product_model_id", flat=True))
    pending, decisions = [], []
    for model in ProductModel.objects.select_related("manufacturer").order_by(
        "manufacturer__name", "name"
    ):
        match = footprint.match_model(model.manufacturer.name, model.name, model.category)
        if model.pk in decided:
            decisions.append((model, match, model.match_decision))
        elif match is not None and not match.usable:
            pending.append((model, match))
    return render(
        request,
        "carbon/matches.html",
        {"pending": pending, "decisions": decisions, "can_decide": may_decide(access)},
    )


@login_required
@require_POST
def decide_match(request: HttpRequest, pk: int) -> HttpResponse:
    access = access_for(request.user)
    if not may_decide(access):
        raise PermissionDenied
    product_model = get_object_or_404(ProductModel.objects.select_related("manufacturer"), pk=pk)
    verdict = request.POST.get("verdict")
    if verdict == "undo":
        ModelMatchDecision.objects.filter(product_model=product_model).delete()
        messages.success(request, _("The decision was withdrawn."))
    elif verdict in {"confirm", "reject"}:
        record_id = ""
        if verdict == "confirm":
            record_id = request.POST.get("record_id", "")
            try:
                footprint.pcf_record(record_id)
            except KeyError:
                messages.error(request, _("That PCF sheet does not exist; nothing was changed."))
                return redirect(request.POST.get("next") or product_model.get_absolute_url())
        ModelMatchDecision.objects.update_or_create(
            product_model=product_model,
            defaults={"pcf_record_id": record_id, "decided_by": request.user},
        )
        messages.success(request, _("Decision saved for %(model)s.") % {"model": product_model})
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect(product_model.get_absolute_url())


class ModelFiguresEdit(EditView):
    """A catalogue model's hand-entered figures, with their source; or their removal."""

    form_class = ModelFiguresForm
    template_name = "carbon/model_figures.html"

    def check_access(self) -> None:
        if not may_decide(self.access):
            raise PermissionDenied

    def get_object(self) -> ModelFigures | None:
        self.product_model = get_object_or_404(
            ProductModel.objects.select_related("manufacturer"), pk=self.kwargs["pk"]
        )
        return ModelFigures.objects.filter(product_model=self.product_model).first()

    def other_post(self) -> HttpResponse | None:
        """The remove button: the figures go (audited as a delete), the form is not read."""
        if self.request.POST.get("remove") and self.object is not None:
            self.object.delete()
            messages.success(self.request, _("The hand-entered figures were removed."))
            return redirect(self.product_model.get_absolute_url())
        return None

    def save(self, form: ModelFiguresForm) -> ModelFigures | None:
        form.instance.product_model = self.product_model
        return super().save(form)

    def success_message(self, saved: ModelFigures) -> str:
        return _("Figures saved with their source.")

    def success_url(self, saved: ModelFigures) -> str:
        return self.product_model.get_absolute_url()

    def get_context(self, form: ModelFiguresForm) -> dict[str, Any]:
        return {"form": form, "model": self.product_model, "entry": self.object}


model_figures = ModelFiguresEdit.as_view()
