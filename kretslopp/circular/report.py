"""The partner report as an import target of the one import pipeline.

A partner sends one row per device: asset tag and/or serial, erasure method, tool,
certificate id, erasure date, grade, outcome, weight and resale value. Each row is matched to
an item handed over on one of the campaign's manifests and checked against the lifecycle
*before* anything is written (a device with storage cannot leave without an erasure
certificate or destruction record: the row is refused naming the row, the column and the
reason). Rows that match no handed-over item, and serial numbers that differ from the
manifest, do not stop the import: they are recorded as discrepancies to reconcile.

Applying the same report again changes nothing: a row whose result is already recorded is
"unchanged", findings are recorded once, and the report file once (by its content's digest).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kretslopp.circular import handover
from kretslopp.circular.models import (
    Campaign,
    CampaignItem,
    CampaignStatus,
    Discrepancy,
    DiscrepancyKind,
    ErasureMethod,
    Grade,
    Outcome,
    PartnerReport,
)
from kretslopp.circular.outcomes import check_steps, steps_for
from kretslopp.circular.reportcolumns import (
    ERASURE_METHODS,
    FIELDS,
    GRADES,
    OUTCOMES,
    suggest_mapping,
    value_of,
)
from kretslopp.core import audit, bulk
from kretslopp.imports import runs
from kretslopp.imports.cells import CachedParser, clean
from kretslopp.imports.models import SavedMapping
from kretslopp.imports.pipeline import (
    CommitConflict,
    Context,
    Counts,
    FieldSpec,
    ImportResult,
    ImportTarget,
    InvalidOptions,
    RowSource,
)
from kretslopp.imports.problems import Problem, tabular_message
from kretslopp.inventory import lifecycle
from kretslopp.inventory.lifecycle import Step
from kretslopp.inventory.moves import BulkMoveRefused, Planned, move_many
from kretslopp.organisation.access import Access
from kretslopp.tabular import Row, parse_date, parse_decimal
from kretslopp.tabular.mapping import ColumnMapping

RESULT_FIELDS = (
    "erasure_method",
    "erasure_tool",
    "erasure_certificate",
    "erased_on",
    "grade",
    "outcome",
    "weight_kg",
    "resale_value_sek",
)
MAX_LENGTHS = {"erasure_tool": 100, "erasure_certificate": 200, "asset_tag": 50}
MAX_WEIGHT_KG = Decimal("999999.99")
MAX_VALUE_SEK = Decimal("9999999999.99")


def field_labels() -> dict[str, str]:
    labels = {
        field.name: str(field.verbose_name).capitalize()
        for field in CampaignItem._meta.concrete_fields
        if field.name in FIELDS
    }
    labels["erasure_certificate"] = _("Certificate id")
    return labels


@dataclass(frozen=True)
class Known:
    """What validation needs of one collected item, loaded once for the whole file."""

    pk: int
    asset_id: int | None
    asset_tag: str
    serial_number: str
    has_storage: bool
    status: str  # the asset's lifecycle status (with_partner for unknown devices on a manifest)
    handed_over: bool
    result: tuple


@dataclass(frozen=True)
class Finding:
    kind: str
    item_id: int | None
    reported_asset_tag: str
    reported_serial: str


class PartnerReportTarget(ImportTarget):
    """Applies a partner's per-device results to the items of one campaign."""

    name = "partner_report"

    @classmethod
    def for_job(cls, options: Mapping[str, Any], access: Access) -> PartnerReportTarget:
        """The report for the job's campaign: one the reader sees, and may report on.

        A partner reports on its own campaigns only; a campaign the reader may not see is
        "no such campaign", exactly like a missing one (see ``Access.scope_campaigns``).
        """
        campaign_id = options.get("campaign")
        found = None
        if isinstance(campaign_id, int) and not isinstance(campaign_id, bool):
            found = access.scope_campaigns(Campaign.objects.filter(pk=campaign_id)).first()
        if found is None:
            raise InvalidOptions(_("There is no such take-back campaign."))
        if not access.may_report_for(found.partner_id):
            raise PermissionDenied
        return cls(found)

    def start_url(self) -> str | None:
        return reverse("circular:report", args=[self.campaign.pk])

    def result_url(self) -> str | None:
        return reverse("circular:campaign", args=[self.campaign.pk])

    def __init__(self, campaign: Campaign) -> None:
        self.campaign = campaign
        self.context: Context | None = None
        self.changes: dict[int, dict[str, Any]] = {}
        self.unchanged = 0
        self.findings: dict[tuple, Finding] = {}
        self.digest = hashlib.sha256()
        self.rows_read = 0

    # --- mapping ----------------------------------------------------------------------

    def fields(self) -> Sequence[FieldSpec]:
        labels = field_labels()
        return [FieldSpec(name, labels.get(name, name)) for name in FIELDS]

    def suggest_mapping(self, headers: list[str]) -> ColumnMapping:
        return suggest_mapping(headers)

    def check_mapping(self, mapping: ColumnMapping, file_name: str) -> list[Problem]:
        """The whole file is refused before any row: for a closed campaign, or columns missing.

        A closed campaign takes no report at all — not even one of unexpected devices only,
        which would otherwise add discrepancies to a campaign whose figures are final.
        """
        if self.campaign.is_closed:
            message = _("The campaign is closed; its results can no longer change.")
            return [Problem(1, None, "", message, "closed", file=file_name)]
        mapped = set(mapping.fields.values())
        missing = []
        if not mapped & {"asset_tag", "serial_number"}:
            missing.append(_("the asset tag or the serial number"))
        if "outcome" not in mapped:
            missing.append(_("the outcome"))
        if not missing:
            return []
        message = _(
            "No column was recognised as %(what)s. Name the columns, e.g. “Asset tag”, "
            "“Serial number”, “Certificate id”, “Grade”, “Outcome”, or choose them in the mapping."
        ) % {"what": _(" and ").join(missing)}
        return [Problem(1, None, "", message, "missing_column", file=file_name)]

    # --- preparing --------------------------------------------------------------------

    def prepare(self, context: Context, mapping: ColumnMapping) -> None:
        if not context.access.may_report_for(self.campaign.partner_id):
            raise PermissionDenied
        self.context = context
        self.headers = mapping.headers
        self.columns = {field: position for position, field in mapping.fields.items()}
        self.by_tag: dict[str, Known] = {}
        self.by_serial: dict[str, Known] = {}
        for known in _load_items(self.campaign):
            if known.asset_tag:
                self.by_tag[known.asset_tag.casefold()] = known
            if known.serial_number:
                self.by_serial.setdefault(known.serial_number.casefold(), known)
        self.dates = CachedParser(parse_date)
        self.decimals = CachedParser(parse_decimal)
        self.seen: dict[int, int] = {}

    # --- validating -------------------------------------------------------------------

    def validate(self, row: Row) -> list[Problem]:
        self.rows_read += 1
        self.digest.update("\x1f".join(row.values).encode() + b"\x1e")
        problems: list[Problem] = []
        texts = self._texts(row, problems)
        known = self._identify(row, texts, problems)
        if known is None or any(not problem.warning for problem in problems):
            return problems
        result = self._result(row, texts, problems)
        if result is None:
            return problems
        self._plan(row, known, result, problems)
        return problems

    def _texts(self, row: Row, problems: list[Problem]) -> dict[str, str]:
        texts: dict[str, str] = {}
        for field, position in self.columns.items():
            text, formula = clean(row.values[position])
            if not text:
                continue
            if formula:
                message = _("This looks like a spreadsheet formula, which is not accepted.")
                problems.append(self.problem(row, field, text, "formula", message))
                continue
            limit = MAX_LENGTHS.get(field)
            if limit and len(text) > limit:
                message = _("The text is %(length)s characters long; at most %(limit)s fit.") % {
                    "length": len(text),
                    "limit": limit,
                }
                problems.append(self.problem(row, field, text[:80], "too_long", message))
                continue
            texts[field] = text
        return texts

    def _identify(self, row: Row, texts: dict[str, str], problems: list[Problem]) -> Known | None:
        tag = texts.get("asset_tag", "")
        serial = texts.get("serial_number", "")
        if not tag and not serial:
            message = _("The row has neither an asset tag nor a serial number.")
            field = "asset_tag" if "asset_tag" in self.columns else "serial_number"
            problems.append(self.problem(row, field, "", "no_identifier", message))
            return None
        known = self.by_tag.get(tag.casefold()) if tag else None
        if known is None and serial:
            known = self.by_serial.get(serial.casefold())
        if known is None or not known.handed_over:
            self._find(DiscrepancyKind.UNEXPECTED, None, tag, serial)
            message = _(
                "No item on this campaign's manifests has this asset tag or serial number; "
                "the row is recorded as an unexpected item to reconcile."
            )
            field = "asset_tag" if tag else "serial_number"
            problems.append(self.problem(row, field, tag or serial, "unexpected", message, True))
            return None
        first = self.seen.setdefault(known.pk, row.number)
        if first != row.number:
            message = _("Row %(row)s of the file is about the same device.") % {"row": first}
            field = "asset_tag" if tag else "serial_number"
            problems.append(self.problem(row, field, tag or serial, "duplicate", message))
            return None
        if serial and known.serial_number and serial.casefold() != known.serial_number.casefold():
            self._find(DiscrepancyKind.SERIAL_MISMATCH, known.pk, tag, serial)
            message = _(
                "The manifest has serial number %(expected)s for this asset tag; "
                "recorded as a serial mismatch to reconcile."
            ) % {"expected": known.serial_number}
            problems.append(self.problem(row, "serial_number", serial, "mismatch", message, True))
        return known

    def _result(
        self, row: Row, texts: dict[str, str], problems: list[Problem]
    ) -> dict[str, Any] | None:
        result: dict[str, Any] = {
            "erasure_method": "",
            "erasure_tool": texts.get("erasure_tool", ""),
            "erasure_certificate": texts.get("erasure_certificate", ""),
            "erased_on": None,
            "grade": "",
            "outcome": "",
            "weight_kg": None,
            "resale_value_sek": None,
        }
        before = sum(1 for problem in problems if not problem.warning)
        self._coded(row, texts, "erasure_method", ERASURE_METHODS, ErasureMethod, result, problems)
        self._coded(row, texts, "grade", GRADES, Grade, result, problems)
        self._coded(row, texts, "outcome", OUTCOMES, Outcome, result, problems)
        if not result["outcome"] and "outcome" not in texts:
            message = _("The outcome is missing (e.g. resold, donated, recycled, destroyed).")
            problems.append(self.problem(row, "outcome", "", "missing_outcome", message))
        if "erased_on" in texts:
            result["erased_on"] = self._parsed(row, texts, "erased_on", self.dates, problems)
        for field, limit in (("weight_kg", MAX_WEIGHT_KG), ("resale_value_sek", MAX_VALUE_SEK)):
            if field in texts:
                value = self._parsed(row, texts, field, self.decimals, problems)
                if value is not None and not Decimal(0) <= value <= limit:
                    message = _("The value must be between 0 and %(limit)s.") % {"limit": limit}
                    problems.append(self.problem(row, field, texts[field], "range", message))
                elif value is not None:
                    result[field] = value.quantize(Decimal("0.01"))
        errors = sum(1 for problem in problems if not problem.warning)
        return result if errors == before else None

    def _coded(self, row, texts, field, table, choices, result, problems) -> None:
        text = texts.get(field)
        if not text:
            return
        code = value_of(table, text)
        if code is None:
            message = _("“%(value)s” is not known here; use one of: %(choices)s.") % {
                "value": text,
                "choices": ", ".join(str(label) for label in choices.labels),
            }
            problems.append(self.problem(row, field, text, "unknown_value", message))
            return
        result[field] = code

    def _parsed(self, row, texts, field, parser, problems):
        value, error = parser(texts[field])
        if error is not None:
            message = tabular_message(error.code, error.params, str(error))
            problems.append(self.problem(row, field, texts[field], error.code or "value", message))
            return None
        return value

    def _plan(self, row: Row, known: Known, result: dict[str, Any], problems) -> None:
        values = tuple(result[name] for name in RESULT_FIELDS)
        if known.result[RESULT_FIELDS.index("outcome")]:
            if values == known.result:
                self.unchanged += 1
                return
            message = _(
                "The partner already reported this device (outcome: %(outcome)s); a result "
                "that has been applied cannot be changed by a later report."
            ) % {"outcome": Outcome(known.result[RESULT_FIELDS.index("outcome")]).label.lower()}
            problems.append(self.problem(row, "outcome", result["outcome"], "reported", message))
            return
        steps = steps_for(
            outcome=result["outcome"],
            certificate=result["erasure_certificate"],
            grade=result["grade"],
        )
        refusal = check_steps(known.status, steps, has_storage=known.has_storage)
        if refusal is not None:
            column = refusal.field if refusal.field in self.columns else "outcome"
            value = result.get(column) or ""
            message = _("This result cannot be applied: %(reason)s") % {
                "reason": refusal.error.explain(_)
            }
            problems.append(self.problem(row, column, str(value), "lifecycle", message))
            return
        self.changes[known.pk] = {"known": known, "result": result, "steps": steps}

    def _find(self, kind: str, item_id: int | None, tag: str, serial: str) -> None:
        finding = Finding(kind, item_id, tag, serial)
        self.findings.setdefault((kind, item_id, tag.casefold(), serial.casefold()), finding)

    def problem(
        self, row: Row, field: str | None, value: str, code: str, message: str, warning=False
    ) -> Problem:
        position = self.columns.get(field) if field else None
        column = self.headers[position] if position is not None else None
        return Problem(row.number, column, value, message, code, warning=warning)

    # --- writing ----------------------------------------------------------------------

    def planned(self) -> Counts:
        return Counts(updated=len(self.changes), unchanged=self.unchanged)

    def commit(self) -> Counts:
        assert self.context is not None
        actor = self.context.actor
        with audit.acting_as(actor), transaction.atomic():
            self._apply(actor)
            self._record_findings()
            self._record_report(actor)
            handover.reconcile(self.campaign)
            if self.changes and self.campaign.status in (
                CampaignStatus.COLLECTING,
                CampaignStatus.WITH_PARTNER,
                CampaignStatus.PLANNED,
            ):
                self.campaign.status = CampaignStatus.RECONCILING
                self.campaign.save(update_fields=["status", "updated_at"])
        return self.planned()

    def _apply(self, actor: Any) -> None:
        if not self.changes:
            return
        now = timezone.now()
        plans = []
        items = []
        for pk, change in self.changes.items():
            known: Known = change["known"]
            item = CampaignItem(
                pk=pk, asset_tag=known.asset_tag, reported_at=now, **change["result"]
            )
            items.append(item)
            if known.asset_id is not None:
                plans.append(Planned(known.asset_id, known.status, _with_notes(change["steps"])))
        try:
            move_many(plans, by=actor, at=now)
        except BulkMoveRefused as refused:
            message = _("A device moved while the report was read: %(reason)s") % {
                "reason": refused.error.explain(_)
            }
            raise CommitConflict(Problem(None, None, "", message, "conflict")) from None
        bulk.update_by_pk(
            CampaignItem,
            [*RESULT_FIELDS, "reported_at"],
            ((item.pk, *(getattr(item, name) for name in RESULT_FIELDS), now) for item in items),
        )
        audit.record_many(
            CampaignItem,
            (
                (
                    item.pk,
                    str(item),
                    "update",
                    {n: [None, _plain(getattr(item, n))] for n in RESULT_FIELDS},
                )
                for item in items
            ),
            by=actor,
        )

    def _record_findings(self) -> None:
        existing = {
            (d.kind, d.item_id, d.reported_asset_tag.casefold(), d.reported_serial.casefold())
            for d in Discrepancy.objects.filter(campaign=self.campaign)
        }
        for key, finding in self.findings.items():
            if key in existing:
                continue
            Discrepancy.objects.create(
                campaign=self.campaign,
                kind=finding.kind,
                item_id=finding.item_id,
                reported_asset_tag=finding.reported_asset_tag[:50],
                reported_serial=finding.reported_serial[:100],
            )

    def _record_report(self, actor: Any) -> None:
        digest = self.digest.hexdigest()
        if PartnerReport.objects.filter(campaign=self.campaign, digest=digest).exists():
            return
        PartnerReport.objects.create(
            campaign=self.campaign,
            file_name=(self.context.file_name if self.context else "")[:255],
            digest=digest,
            rows=self.rows_read,
            summary={
                "applied": len(self.changes),
                "unchanged": self.unchanged,
                "findings": len(self.findings),
            },
            imported_by=actor if getattr(actor, "pk", None) else None,
        )


def _with_notes(steps: list[Step]) -> list[Step]:
    """The grade as the note of the grading move, the way the asset page shows it."""
    return [
        Step(step.target, step.reference, _("Grade %(grade)s") % {"grade": step.note})
        if step.target == lifecycle.GRADED and step.note
        else step
        for step in steps
    ]


def _plain(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _load_items(campaign: Campaign) -> list[Known]:
    rows = CampaignItem.objects.filter(campaign=campaign).values_list(
        "pk",
        "asset_id",
        "asset_tag",
        "serial_number",
        "has_storage",
        "asset__status",
        "manifest_id",
        *RESULT_FIELDS,
    )
    known = []
    for pk, asset_id, tag, serial, storage, status, manifest_id, *result in rows:
        result = [
            value if value is not None else _empty(name)
            for name, value in zip(RESULT_FIELDS, result, strict=True)
        ]
        known.append(
            Known(
                pk=pk,
                asset_id=asset_id,
                asset_tag=tag,
                serial_number=serial,
                has_storage=storage,
                status=status or lifecycle.WITH_PARTNER,
                handed_over=manifest_id is not None,
                result=tuple(result),
            )
        )
    return known


def _empty(name: str) -> Any:
    return None if name in ("erased_on", "weight_kg", "resale_value_sek") else ""


def import_report(
    campaign: Campaign,
    source: RowSource,
    *,
    access: Access,
    actor: Any = None,
    dry_run: bool = False,
    saved: SavedMapping | None = None,
    origin: str = "file",
) -> ImportResult:
    """Run a partner report through the import pipeline as a job (all rows or none).

    The columns are recognised by their names, or by a ``saved`` mapping where a partner
    names them differently.
    """
    return runs.import_rows(
        PartnerReportTarget.name,
        source,
        access=access,
        actor=actor,
        options={"campaign": campaign.pk},
        dry_run=dry_run,
        saved=saved,
        origin=origin,
    )
