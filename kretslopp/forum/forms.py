"""Forms of the forum pages: forums, members, meetings, measures and what hangs off them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kretslopp.core import audit
from kretslopp.core.forms import VersionedModelForm
from kretslopp.core.registry import registry
from kretslopp.core.uploads import LimitedFileField
from kretslopp.forum.models import (
    Decision,
    ExpectedEffect,
    Forum,
    ForumMember,
    Measure,
    MeasureParty,
    MeasureTask,
    Meeting,
    Outcome,
    Status,
    StatusUpdate,
    Topic,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _today_field(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), initial=timezone.localdate)


class NewTopicsMixin(forms.Form):
    """A line of new topics beside the existing ones, so a form never sends you elsewhere."""

    new_topics = forms.CharField(
        label=_("New topics"),
        required=False,
        max_length=500,
        help_text=_("Separated by commas; they are added to the list of topics."),
    )

    def topics_with_new(self, chosen: Any) -> list[Topic]:
        names = [name.strip() for name in self.cleaned_data.get("new_topics", "").split(",")]
        added = [Topic.objects.get_or_create(name=name[:100])[0] for name in names if name]
        return [*chosen, *added]


class AuditedRelationsMixin:
    """Many-to-many fields the audit signals do not see, recorded here by their names.

    ``audited_relations`` names them; :meth:`set_relations` is where a form sets what
    ``save_m2m`` cannot (topics typed as new), before the change is recorded.
    """

    audited_relations: tuple[str, ...] = ()

    @staticmethod
    def _names(instance: Any, name: str) -> list[str]:
        return sorted(str(item) for item in getattr(instance, name).all()) if instance.pk else []

    def set_relations(self, instance: Any) -> None:
        """Set relations beyond the form's own fields (nothing by default)."""

    def save(self, commit: bool = True) -> Any:
        before = {name: self._names(self.instance, name) for name in self.audited_relations}
        saved = super().save(commit=commit)  # type: ignore[misc]
        self.set_relations(saved)
        changes = {}
        for name, old in before.items():
            new = self._names(saved, name)
            if new != old:
                changes[name] = [", ".join(old) or None, ", ".join(new) or None]
        if changes:
            audit.record(saved, "update", changes)
        return saved


class ForumForm(AuditedRelationsMixin, NewTopicsMixin, VersionedModelForm):
    class Meta:
        model = Forum
        fields = ["name", "mandate", "budget_limit_sek", "excluded_topics", "stale_update_days"]
        widgets = {
            "excluded_topics": forms.CheckboxSelectMultiple,
            "mandate": forms.Textarea(attrs={"rows": 4}),
        }

    field_order = [*Meta.fields, "new_topics"]
    audited_relations = ("excluded_topics",)

    def set_relations(self, instance: Forum) -> None:
        instance.excluded_topics.set(self.topics_with_new(self.cleaned_data["excluded_topics"]))


class MemberForm(VersionedModelForm):
    class Meta:
        model = ForumMember
        fields = [
            "name", "user", "email", "external", "organisation", "role_in_forum", "is_chair",
            "active",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("username")
        )
        self.fields["user"].help_text = _(
            "An external member gets a login of their own without a role (People page): "
            "with it they see this forum and nothing else."
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("external") and not cleaned.get("organisation"):
            self.add_error("organisation", _("Say which organisation the external member is from."))
        user = cleaned.get("user")
        others = ForumMember.objects.filter(forum_id=self.instance.forum_id, user=user)
        if user is not None and others.exclude(pk=self.instance.pk).exists():
            self.add_error("user", _("This login is already a member of the forum."))
        return cleaned


class MeetingForm(AuditedRelationsMixin, VersionedModelForm):
    audited_relations = ("attendees",)

    class Meta:
        model = Meeting
        fields = ["held_on", "agenda", "attendees", "minutes"]
        widgets = {
            "held_on": DateInput(),
            "attendees": forms.CheckboxSelectMultiple,
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args: Any, forum: Forum, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = forum.members.all()


class AttachmentForm(forms.Form):
    file = LimitedFileField(
        label=_("Attachment"), help_text=_("E.g. the signed minutes or the slides shown.")
    )


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["reference", "text", "measure"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["reference"].required = False
        self.fields["reference"].help_text = _("Left empty: the forum's next number this year.")
        self.fields["measure"].queryset = meeting.forum.measures.all()

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"].strip()
        taken = Decision.objects.filter(
            meeting__forum_id=self.meeting.forum_id, reference=reference
        )
        if reference and taken.exists():
            raise forms.ValidationError(
                _("The forum already has a decision %(ref)s.") % {"ref": reference}
            )
        return reference


class MeasureForm(AuditedRelationsMixin, NewTopicsMixin, VersionedModelForm):
    class Meta:
        model = Measure
        fields = [
            "title", "description", "responsible", "department", "topics", "start_date",
            "due_date", "capex_sek", "opex_sek_per_year",
        ]  # fmt: skip
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "start_date": DateInput(),
            "due_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    field_order = [*Meta.fields, "new_topics"]
    audited_relations = ("topics",)

    def set_relations(self, instance: Measure) -> None:
        instance.topics.set(self.topics_with_new(self.cleaned_data["topics"]))

    def __init__(self, *args: Any, forum: Forum, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = forum.members.filter(active=True)
        for name in ("capex_sek", "opex_sek_per_year"):
            self.fields[name].required = False  # left empty: no cost of that kind

    def clean_capex_sek(self) -> int:
        return self.cleaned_data["capex_sek"] or 0

    def clean_opex_sek_per_year(self) -> int:
        return self.cleaned_data["opex_sek_per_year"] or 0

    def clean(self) -> dict:
        cleaned = super().clean()
        start, due = cleaned.get("start_date"), cleaned.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", _("The due date cannot come before the start date."))
        return cleaned


class MoveForm(forms.Form):
    """A status change; ``merged_into``, ``meeting`` and the reference only where they apply."""

    to = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    on = _today_field(_("Date"))
    meeting = forms.ModelChoiceField(
        label=_("Decided at the meeting"), queryset=Meeting.objects.none(), required=False
    )
    decision_reference = forms.CharField(
        label=_("Decision reference"), max_length=50, required=False
    )
    merged_into = forms.ModelChoiceField(
        label=_("Merged into"), queryset=Measure.objects.none(), required=False
    )

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = measure.forum.meetings.all()
        self.fields["merged_into"].queryset = measure.forum.measures.exclude(pk=measure.pk)


class EscalateForm(forms.Form):
    body = forms.CharField(
        label=_("Escalated to"),
        max_length=200,
        help_text=_("E.g. the IT director or the municipal executive board."),
    )
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)
    escalated_on = _today_field(_("Escalated on"))
    reason = forms.CharField(
        label=_("Why"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Left empty: what the mandate says."),
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    outcome_on = _today_field(_("Outcome date"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class TaskForm(forms.ModelForm):
    class Meta:
        model = MeasureTask
        fields = ["title", "owner", "due_date"]
        widgets = {"due_date": DateInput()}

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = measure.forum.members.filter(active=True)


class StatusUpdateForm(forms.ModelForm):
    written_on = _today_field(_("Date"))

    class Meta:
        model = StatusUpdate
        fields = ["written_on", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class PartyForm(forms.ModelForm):
    class Meta:
        model = MeasureParty
        fields = ["member", "department", "name", "role"]

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = measure.forum.members.all()

    def clean(self) -> dict:
        cleaned = super().clean()
        if not (cleaned.get("member") or cleaned.get("department") or cleaned.get("name")):
            self.add_error(None, _("Choose a member or a department, or write a name."))
        return cleaned


def kpi_choices() -> list[tuple[str, str]]:
    """The KPIs other apps registered (``registry.kpis``), as the effect form offers them."""
    return [(code, f"{entry.label} ({entry.unit})") for code, entry in registry.kpis.items()]


class EffectForm(forms.ModelForm):
    class Meta:
        model = ExpectedEffect
        fields = [
            "kpi", "change_per_year", "change_low_per_year", "change_high_per_year",
            "effective_from", "estimation_method",
        ]  # fmt: skip
        widgets = {
            "effective_from": DateInput(),
            "estimation_method": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "change_per_year": _("In the KPI's unit; negative for a cut, e.g. −12000 kWh."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kpi"] = forms.ChoiceField(label=_("KPI"), choices=kpi_choices())

    def clean(self) -> dict:
        cleaned = super().clean()
        value = cleaned.get("change_per_year")
        low, high = cleaned.get("change_low_per_year"), cleaned.get("change_high_per_year")
        if value is not None and low is not None and low > value:
            self.add_error(
                "change_low_per_year", _("The low estimate is above the expected change.")
            )
        if value is not None and high is not None and high < value:
            self.add_error(
                "change_high_per_year", _("The high estimate is below the expected change.")
            )
        return cleaned

    def save(self, commit: bool = True) -> ExpectedEffect:
        self.instance.unit = str(registry.kpis[self.cleaned_data["kpi"]].unit)
        return super().save(commit=commit)
