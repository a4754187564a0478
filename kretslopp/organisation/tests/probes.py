"""Records of another department and another partner, for the route matrices to name.

Shared by ``organisation/tests/test_route_matrix.py`` (pages) and
``api/tests/test_route_matrix.py`` (API routes): a probe that names one of these records
must not reach it as a department-bound user of ``town.own`` or as the town's partner.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest


@dataclass
class World:
    """The records the probes name, beside the shared ``town``."""

    ids: dict[str, object]


@pytest.fixture
def world(town, settings, tmp_path):
    """Another department's and another partner's records, and the administrator's job."""
    from django.contrib.auth import get_user_model

    from kretslopp.api.models import ApiToken
    from kretslopp.circular import collection, handover
    from kretslopp.circular.models import Campaign, Discrepancy
    from kretslopp.conftest import make_asset
    from kretslopp.energy.models import Target
    from kretslopp.imports.models import ImportJob, SavedMapping, ValueMap
    from kretslopp.organisation.access import access_for
    from kretslopp.organisation.models import (
        ClaimRule,
        CostCentre,
        Location,
        Membership,
        Partner,
        Person,
    )
    from kretslopp.printing.models import PrintMapping
    from kretslopp.procurement.models import Contract
    from kretslopp.procurement.tests.factories import add_line, worked_example
    from kretslopp.procurement.tests.probes import follow_up_records

    admin = town.users["administrator"]
    forum = _forum_records(town)
    ours = Partner.objects.create(name="Inrego AB (test)")
    Membership.objects.filter(user=town.users["partner"]).update(partner=ours)
    theirs = Campaign.objects.create(
        name="Miljöförvaltningens återtag",
        partner=Partner.objects.create(name="Annan Återvinnare AB"),
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2024, 1, 31),
        public=True,
    )
    theirs.departments.set([town.other])
    collection.collect(theirs, town.other_asset.asset_tag, access=access_for(admin), by=admin)
    manifest = handover.hand_over(
        theirs,
        handed_over_on=dt.date(2024, 2, 1),
        handed_over_by="Ida IT",
        received_by="Kim",
        by=admin,
    )
    discrepancy = Discrepancy.objects.create(
        campaign=theirs, kind="unexpected", reported_asset_tag="MS-0000002"
    )
    target = Target.objects.create(
        name="MF:s utskrifter",
        kpi="pages_printed",
        department=town.other,
        baseline_year=2020,
        baseline_value=100_000,
        target_year=2026,
        target_value=70_000,
    )
    job = ImportJob.objects.create(user=admin, file_name="a.csv")
    export_job = _export_job(admin, settings, tmp_path)
    rule = ClaimRule.objects.create(kind="roles", value="Kretslopp.MF", role="coordinator")
    rule.departments.set([town.other])
    procurement = worked_example("KS-PROBE-1")
    offer_line = add_line(procurement)
    contract = Contract.objects.create(
        procurement=procurement, supplier=offer_line.offer.supplier, reference="KS-PROBE-1-1"
    )
    follow_up = follow_up_records(town, contract)
    return World(
        ids={
            **follow_up,
            "asset": town.other_asset.pk,
            "department": town.other.code,
            "model": town.laptop.pk,
            "cost_centre": CostCentre.objects.create(
                code="MF-1", name="MF:s stab", department=town.other
            ).pk,
            "location": Location.objects.create(name="Miljöhuset", department=town.other).pk,
            "campaign": theirs.pk,
            "manifest": manifest.pk,
            "discrepancy": discrepancy.pk,
            "slug": theirs.public_slug,
            "target": target.pk,
            "print_mapping": PrintMapping.objects.create(
                kind="printer", key="MF-Reception", department=town.other
            ).pk,
            "job": job.pk,
            "export_job": export_job.pk,
            # Another's login (the other department's coordinator), the other partner, a
            # rule of the identity provider, the administrator's own API token.
            "login": Membership.objects.create(
                user=get_user_model().objects.create_user("mf-coord"), role="coordinator"
            ).user_id,
            "partner": theirs.partner_id,
            "claim_rule": rule.pk,
            "token": ApiToken.issue(admin, "admin's script", {"read"})[0].pk,
            "person": Person.objects.create(identifier="anv000002", department=town.other).pk,
            "manufacturer": town.laptop.manufacturer_id,
            "department_id": town.other.pk,
            # In use, so that an allowed caller could collect or move it.
            "probe_asset_id": make_asset("MS-MF-PROBE", town.laptop, town.other).pk,
            # A procurement open for offers, with a criterion used, an offer and a contract.
            "procurement": procurement.pk,
            "criterion_use": procurement.criterion_uses.first().pk,
            "offer": offer_line.offer_id,
            "criterion": procurement.criterion_uses.first().criterion_id,
            "contract": contract.pk,
            "fmt": "csv",
            "year": 2024,
            "language": "sv",
            "output_format": "xlsx",
            "report_snapshot": _report_snapshot(town.other),
            # The KPI exchange's Kolada-shaped route: a catalogue KPI and Malmö's code.
            "exchange_kpi": "KR0001",
            "municipality_code": "1280",
            "value_map": ValueMap.objects.create(
                kind="status", source_name="Arkiverad", code="in_stock"
            ).pk,
            # The administrator's saved column mapping: others may use it, not change it.
            "saved_mapping": SavedMapping.objects.create(
                name="Administratörens mappning", columns={"Tagg": "asset_tag"}, owner=admin
            ).pk,
            **forum,
            **_forum_followup_records(forum["forum"], admin),
        }
    )


def _forum_records(town) -> dict[str, int]:
    """A forum none of the town's logins sits in, with a measure of the other department
    (so it concerns no department-bound reader), a meeting, an attachment, a pending
    escalation and a task."""
    from kretslopp.forum.models import (
        Escalation,
        Forum,
        ForumMember,
        Measure,
        MeasureTask,
        Meeting,
        MeetingAttachment,
    )

    forum = Forum.objects.create(name="Miljöförvaltningens forum", budget_limit_sek=10_000)
    member = ForumMember.objects.create(forum=forum, name="Extern", external=True, organisation="X")
    meeting = Meeting.objects.create(forum=forum, held_on=dt.date(2024, 5, 1))
    measure = Measure.objects.create(
        forum=forum, number=1, title="MF:s åtgärd", department=town.other, capex_sek=50_000
    )
    return {
        "forum": forum.pk,
        "forum_member": member.pk,
        "meeting": meeting.pk,
        "attachment": MeetingAttachment.objects.create(
            meeting=meeting, file_name="protokoll.pdf", content=b"%PDF"
        ).pk,
        "measure": measure.pk,
        "escalation": Escalation.objects.create(
            measure=measure, body="KS", escalated_on=dt.date(2024, 5, 2)
        ).pk,
        "task": MeasureTask.objects.create(measure=measure, title="Utred", owner=member).pk,
    }


def _forum_followup_records(forum_id: int, admin) -> dict[str, int]:
    """A period snapshot of that forum, and the administrator's register import job."""
    from kretslopp.forum import snapshots
    from kretslopp.forum.models import Forum
    from kretslopp.forum.register import TARGET_NAME
    from kretslopp.imports.models import ImportJob, JobState

    snapshot = snapshots.take(
        Forum.objects.get(pk=forum_id),
        label="2024",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
    )
    job = ImportJob.objects.create(
        user=admin, file_name="register.csv", target=TARGET_NAME, state=JobState.PREVIEWED
    )
    return {"snapshot": snapshot.pk, "register_job": job.pk}


def _report_snapshot(department) -> int:
    """The other department's report snapshot (frozen with no sections)."""
    from kretslopp.reports.models import ReportSnapshot

    meta = {
        "format": 1,
        "year": 2024,
        "department": department.name,
        "department_code": department.code,
        "taken_at": "2025-01-15T10:00:00+00:00",
    }
    content = {"meta": meta, "sv": {"sections": []}, "en": {"sections": []}}
    return ReportSnapshot.objects.create(year=2024, department=department, content=content).pk


def _export_job(admin, settings, tmp_path):
    """The administrator's written export, with its file (a temporary media folder)."""
    from kretslopp.imports import exports
    from kretslopp.imports.models import ExportJob, ExportState
    from kretslopp.organisation.access import access_for

    settings.MEDIA_ROOT = tmp_path / "media"
    (exports.folder() / "probe.csv").write_bytes(b"Inventarienummer\r\nMS-0000002\r\n")
    return ExportJob.objects.create(
        user=admin,
        file_format="csv",
        file_name="kretslopp-assets.csv",
        stored_file="probe.csv",
        scope=exports.frozen_scope(access_for(admin)),
        state=ExportState.DONE,
        row_count=1,
    )
