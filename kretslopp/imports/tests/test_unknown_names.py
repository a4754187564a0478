"""Migrating from another system: each unknown name is decided once, not refused per row.

Snipe-IT's companies, GLPI's entities, Intune's groups, other systems' locations,
categories and statuses that Kretslopp does not know are gathered once each in the
preview. The user says what each means here (or creates it, where their role may), the
choice is kept as a value mapping, and the rows import — next month's file needs nothing.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from kretslopp.core.models import AuditEntry
from kretslopp.imports.models import ImportJob, JobState, ValueKind, ValueMap
from kretslopp.imports.tests.conftest import TABULAR_FIXTURES, db_counts, import_file
from kretslopp.inventory.models import Asset, ProductModel
from kretslopp.organisation.models import Department, Location

SNIPEIT = "Company,Asset Tag,Manufacturer,Model,Serial,Location,Status\n"
COMPANIES = [f"Bolag {number:02d} AB" for number in range(20)]


def twenty_companies() -> str:
    """150 Snipe-IT rows spread over 20 companies Kretslopp has never heard of."""
    rows = [
        f"{COMPANIES[n % 20]},MS-C{n:03d},Dell,P2422H,SN-C{n:03d},Stadshuset,Ready to Deploy\n"
        for n in range(150)
    ]
    return SNIPEIT + "".join(rows)


def upload(client, content: str | bytes, name: str = "snipeit.csv", **extra):
    data = content.encode() if isinstance(content, str) else content
    return client.post(
        reverse("imports:upload"), {"file": SimpleUploadedFile(name, data), **extra}, follow=True
    )


def names_on(page: str) -> list[tuple[str, str]]:
    """(kind, name) of every unknown name the preview lists."""
    section = page.split('id="names"', 1)[1].split("</section>", 1)[0]
    found = re.findall(r'data-kind="(\w+)">\s*<td>[^<]*</td><td>([^<]*)</td>', section)
    return [(kind, html.unescape(name)) for kind, name in found]


def decide(client, job: ImportJob, choices: dict[int, str]):
    data = {f"name_{index}": choice for index, choice in choices.items()}
    return client.post(reverse("imports:names", args=[job.pk]), data, follow=True)


@pytest.fixture
def admin(town, login):
    return login(town.users["administrator"])


@pytest.mark.django_db
def test_twenty_unknown_companies_are_twenty_decisions_then_every_row_imports(town, admin):
    page = upload(admin, twenty_companies()).content.decode()
    job = ImportJob.objects.get()
    assert job.problem_count == 20  # not 150 row errors
    assert names_on(page) == [("department", company) for company in COMPANIES]
    assert sum(name["rows"] for name in job.summary["unknown"]) == 150
    assert 'class="problem"' not in page.split('id="names"', 1)[0]  # no row-by-row errors
    # All of them are the organisation's own department: twenty decisions.
    response = decide(admin, job, {index: f"department:{town.own.pk}" for index in range(20)})
    assert response.status_code == 200
    job.refresh_from_db()
    assert (job.state, job.problem_count) == (JobState.PREVIEWED, 0), job.problems
    assert ValueMap.objects.filter(kind=ValueKind.DEPARTMENT).count() == 20
    admin.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert Asset.objects.filter(asset_tag__startswith="MS-C", department=town.own).count() == 150
    # Next month's file with the same companies needs no decision at all.
    page = upload(admin, twenty_companies()).content.decode()
    again = ImportJob.objects.latest("pk")
    assert (again.problem_count, again.summary["unchanged"]) == (0, 150)
    assert 'id="names"' not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fixture", "column", "rows", "tag"),
    [
        ("snipeit_en.csv", "Company", 5, "SBK-000901"),
        ("snipeit_sv.csv", "Företag", 4, "SBK-000033"),
    ],
)
def test_the_snipeit_sample_exports_ask_only_for_their_two_unknown_companies(
    town, admin, fixture, column, rows, tag
):
    content = (TABULAR_FIXTURES / fixture).read_bytes()
    page = upload(admin, content, fixture, allow_new_models="on").content.decode()
    assert names_on(page) == [
        ("department", "Fritidsförvaltningen"),
        ("department", "Stadsbyggnadskontoret"),
    ]
    job = ImportJob.objects.get()
    assert {name["column"] for name in job.summary["unknown"]} == {column}
    decide(admin, job, {0: "new-department", 1: f"department:{town.other.pk}"})
    created = Department.objects.get(name="Fritidsförvaltningen")
    assert created.code == "FRITIDSFORVALTNINGEN"
    job.refresh_from_db()
    assert job.problem_count == 0, job.problems
    admin.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.state, job.summary["created"]) == (JobState.DONE, rows)
    assert Asset.objects.get(asset_tag="FRI-000077").department == created
    assert Asset.objects.get(asset_tag=tag).department == town.other


@pytest.mark.django_db
def test_glpi_entities_and_intune_groups_are_mapped_the_same_way(town, admin):
    content = (TABULAR_FIXTURES / "glpi_computers.csv").read_bytes()
    page = upload(admin, content, "glpi.csv", allow_new_models="on").content.decode()
    assert ("department", "Malmö stad > Stadsbyggnadskontoret") in names_on(page)
    job = ImportJob.objects.get()
    names = [name["value"] for name in job.summary["unknown"]]
    decide(admin, job, {index: f"department:{town.own.pk}" for index in range(len(names))})
    job.refresh_from_db()
    assert job.problem_count == 0, job.problems
    # Intune's device export, with the device's Entra ID group beside it.
    header = "Device name,Serial number,Manufacturer,Model,Primary user UPN,Group\n"
    row = f"GRF-LT-1,{town.own_asset.serial_number},Dell Inc.,Latitude 5420,,Grp-Skolor\n"
    result = import_file(header + row, "intune.csv")
    assert [(name.kind, name.value, name.column) for name in result.unknown] == [
        ("department", "Grp-Skolor", "Group")
    ]
    ValueMap.objects.create(
        kind=ValueKind.DEPARTMENT, source_name="Grp-Skolor", department=town.own
    )
    assert import_file(header + row, "intune.csv").status == "committed"


@pytest.mark.django_db
def test_unknown_locations_categories_and_statuses_are_gathered_too(town, admin):
    header = "Asset tag,Serial number,Manufacturer,Model,Category,Department,Location,Status\n"
    rows = "".join(
        f"MS-L{n},SN-L{n},Lenovo,ThinkPad L{n % 3},Bärbara grejer,GRF,"
        f"{'Skola Norr' if n % 2 else 'Kontor Södra'},{'Arkiverad' if n < 4 else 'I lager'}\n"
        for n in range(10)
    )
    page = upload(admin, header + rows).content.decode()
    assert names_on(page) == [
        ("location", "Kontor Södra"),
        ("location", "Skola Norr"),
        ("status", "Arkiverad"),
    ]  # without "create missing models", the models are the rows' own errors
    page = upload(admin, header + rows, allow_new_models="on").content.decode()
    assert names_on(page) == [
        ("category", "Bärbara grejer"),
        ("status", "Arkiverad"),
    ]  # missing locations are created, and the category of the new models is asked
    job = ImportJob.objects.latest("pk")
    decide(admin, job, {0: "category:laptop", 1: "status:returned"})
    job.refresh_from_db()
    assert job.problem_count == 0, job.problems
    admin.post(reverse("imports:confirm", args=[job.pk]))
    assert ProductModel.objects.get(name="ThinkPad L1").category == "laptop"
    assert Asset.objects.get(asset_tag="MS-L0").status == "returned"


@pytest.mark.django_db
def test_a_coordinator_decides_only_within_their_departments(town, login):
    coordinator = login(town.users["coordinator"])
    header = "Asset tag,Serial number,Manufacturer,Model,Department,Location,Status\n"
    rows = "MS-K1,SN-K1,Dell,P2422H,Grundskolan,Skola Öster,Arkiverad\n"
    page = upload(coordinator, header + rows).content.decode()
    job = ImportJob.objects.get()
    assert names_on(page) == [
        ("department", "Grundskolan"),
        ("location", "Skola Öster"),
        ("status", "Arkiverad"),
    ]
    section = page.split('id="names"', 1)[1]
    assert f'value="department:{town.own.pk}"' in section
    assert f'value="department:{town.other.pk}"' not in section
    assert 'value="new-department"' not in section  # creating departments is the admin's
    assert f'value="new-location:{town.own.pk}"' in section
    assert f'value="new-location:{town.other.pk}"' not in section
    assert 'name="name_2"' not in section  # a status mapping is an organisation setting
    assert "hållbarhetsansvarig" in section
    before = (ValueMap.objects.count(), Department.objects.count(), Location.objects.count())
    for refused in (
        {0: f"department:{town.other.pk}"},
        {0: "new-department"},
        {1: f"new-location:{town.other.pk}"},
    ):
        response = coordinator.post(
            reverse("imports:names", args=[job.pk]),
            {f"name_{index}": choice for index, choice in refused.items()},
        )
        assert response.status_code == 400, refused
    decide(coordinator, job, {2: "status:stolen"})  # no such choice for them: ignored
    after = (ValueMap.objects.count(), Department.objects.count(), Location.objects.count())
    assert after == before
    decide(coordinator, job, {0: f"department:{town.own.pk}", 1: f"new-location:{town.own.pk}"})
    assert ValueMap.objects.get(kind=ValueKind.DEPARTMENT).department == town.own
    assert Location.objects.get(name="Skola Öster").department == town.own
    job.refresh_from_db()
    assert [p["code"] for p in job.problems] == ["unknown_status"]  # waits for the admin


@pytest.mark.django_db
def test_every_decision_is_audited_as_its_user(town, admin):
    header = "Asset tag,Serial number,Manufacturer,Model,Department,Location\n"
    rows = "MS-A1,SN-A1,Dell,P2422H,Kultur,Kulturhuset\nMS-A2,SN-A2,Dell,P2422H,Miljö,Kulturhuset\n"
    upload(admin, header + rows)
    job = ImportJob.objects.get()
    decide(
        admin,
        job,
        {0: "new-department", 1: f"department:{town.other.pk}", 2: f"new-location:{town.own.pk}"},
    )
    user = town.users["administrator"]
    for model, count in ((ValueMap, 1), (Department, 1), (Location, 1)):
        kind = ContentType.objects.get_for_model(model)
        entries = AuditEntry.objects.filter(content_type=kind, action="create", actor=user)
        assert entries.count() == count, model


@pytest.mark.django_db
def test_a_department_mapping_is_removed_by_whoever_imports_into_that_department(town, login):
    own = ValueMap.objects.create(
        kind=ValueKind.DEPARTMENT, source_name="Grundskolan", department=town.own
    )
    other = ValueMap.objects.create(
        kind=ValueKind.DEPARTMENT, source_name="Miljö", department=town.other
    )
    coordinator = login(town.users["coordinator"])
    page = coordinator.get(reverse("imports:value_maps")).content.decode()
    assert "Grundskolan" in page and "Grundskoleförvaltningen" in page
    assert coordinator.post(reverse("imports:value_map_delete", args=[other.pk])).status_code == 403
    assert coordinator.post(reverse("imports:value_map_delete", args=[own.pk])).status_code == 302
    assert list(ValueMap.objects.all()) == [other]


@pytest.mark.django_db
def test_the_command_line_lists_each_unknown_name_once_and_exits_1(town, tmp_path, capsys):
    path = tmp_path / "snipeit.csv"
    path.write_text(twenty_companies())
    before = db_counts()
    for extra in ((), ("--dry-run",)):
        with pytest.raises(CommandError) as refused:
            call_command("import", "assets", str(path), "--language", "sv", *extra)
        assert refused.value.returncode == 1
        out = capsys.readouterr().out
        assert out.count("Förvaltningar som Kretslopp inte känner till:") == 1
        assert out.count("Bolag 00 AB") == 1
        assert "”Bolag 00 AB”: 8 rader, den första är rad 2, kolumn ”Company”" in out
        assert "Värdemappningar" in out
    with pytest.raises(CommandError):
        call_command("import", "assets", str(path), "--format", "json")
    summary = json.loads(capsys.readouterr().out)
    assert summary["error_count"] == 20 and len(summary["errors"]) == 20
    assert [name["value"] for name in summary["unknown"]] == COMPANIES
    assert db_counts() == before


@pytest.mark.django_db
def test_the_api_refuses_with_each_unknown_name_once_and_the_hint(town, api_as):
    api = api_as(town.users["coordinator"], "read", "write")
    response = api.upload("/api/v1/imports/assets", "snipeit.csv", twenty_companies().encode())
    assert response.status_code == 422
    error = response.json()["error"]
    assert len(error["details"]) == 20
    assert error["details"][0]["field"] == "row 2, Company"
    assert "Value mappings" in error["message"]


@pytest.mark.django_db
def test_a_choice_made_meanwhile_by_someone_else_stands(town, admin):
    upload(admin, SNIPEIT + "Kultur,MS-Z1,Dell,P2422H,SN-Z1,Stadshuset,Ready to Deploy\n")
    job = ImportJob.objects.get()
    ValueMap.objects.create(kind=ValueKind.DEPARTMENT, source_name="Kultur", department=town.own)
    page = decide(admin, job, {0: f"department:{town.other.pk}"}).content.decode()
    assert "Kultur" in page
    assert ValueMap.objects.get().department == town.own
    job.refresh_from_db()
    assert job.problem_count == 0
