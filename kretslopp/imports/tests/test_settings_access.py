"""Import settings are the organisation's: who may change value mappings and saved mappings.

A value mapping decides what a name means in every later import of every department (map
the status "I bruk" to stolen, and the next re-import of an unchanged export marks in-use
devices stolen), so status and category mappings belong to the administrator and the
sustainability lead. A saved column mapping has an owner: everyone may use it, only its
owner or an administrator may change it, and saving under its name is refused. In an
import's preview, an unknown name may be mapped into the user's own departments; a new
department is the administrator's.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kretslopp.conftest import ROLES, make_user
from kretslopp.core.models import AuditEntry
from kretslopp.imports.models import ImportJob, SavedMapping, ValueKind, ValueMap
from kretslopp.organisation.models import Department, Role

# Expected status of the value mappings page, in the order of ROLES.
READ = [200, 200, 403, 200, 403, 403, 403, 403]
# Writes: (status code, whether the write happened), in the order of ROLES.
WRITE = {
    "add_status_mapping": [
        (302, True), (302, True), (403, False), (403, False), (403, False), (403, False),
        (403, False), (403, False),
    ],
    "remove_status_mapping": [
        (302, True), (302, True), (403, False), (403, False), (403, False), (403, False),
        (403, False), (403, False),
    ],
    # Only importers reach the preview; a coordinator is asked for another name.
    "save_over_anothers_mapping": [
        (302, True), (403, False), (403, False), (400, False), (403, False), (403, False),
        (403, False), (403, False),
    ],
    "remove_anothers_mapping": [
        (302, True), (302, True), (403, False), (403, False), (403, False), (403, False),
        (403, False), (403, False),
    ],
    # In an import's preview: an unknown company is mapped to the user's own department…
    "map_unknown_name_to_own_department": [
        (302, True), (403, False), (403, False), (302, True), (403, False), (403, False),
        (403, False), (403, False),
    ],
    # …or made a new department, which only an administrator may.
    "create_department_from_preview": [
        (302, True), (403, False), (403, False), (400, False), (403, False), (403, False),
        (403, False), (403, False),
    ],
}  # fmt: skip
HEADER = "Nummer,Typ,Märke,Enhet\n"
THEIRS = {"Nummer": "asset_tag", "Typ": "model_name", "Märke": "manufacturer", "Enhet": ""}


@pytest.fixture
def colleague(town):
    """Another coordinator of the same department, who saved a mapping others rely on."""
    user = make_user("coord2", Role.COORDINATOR, [town.own])
    SavedMapping.objects.create(name="Ekonomi", columns=THEIRS, owner=user)
    return user


def _upload(client):
    data = {"file": SimpleUploadedFile("e.csv", (HEADER + "MS-20,P2422H,Dell,GRF\n").encode())}
    return client.post(reverse("imports:upload"), data)


def _write(case: str, client) -> tuple[int, bool]:
    if case == "add_status_mapping":
        response = client.post(
            reverse("imports:value_maps"),
            {"kind": "status", "source_name": "I bruk", "code": "stolen"},
        )
        return response.status_code, ValueMap.objects.filter(source_name="I bruk").exists()
    if case == "remove_status_mapping":
        item = ValueMap.objects.create(kind=ValueKind.STATUS, source_name="Arkiv", code="returned")
        response = client.post(reverse("imports:value_map_delete", args=[item.pk]))
        return response.status_code, not ValueMap.objects.filter(pk=item.pk).exists()
    if case == "save_over_anothers_mapping":
        uploaded = _upload(client)
        if uploaded.status_code != 302:
            return uploaded.status_code, False
        job = ImportJob.objects.latest("pk")
        choice = {"column_0": "asset_tag", "column_1": "model_name", "column_2": "manufacturer"}
        data = {**choice, "column_3": "department", "save_as": "Ekonomi"}
        response = client.post(reverse("imports:remap", args=[job.pk]), data)
        return response.status_code, SavedMapping.objects.get(name="Ekonomi").columns != THEIRS
    if case in ("map_unknown_name_to_own_department", "create_department_from_preview"):
        return _decide(case, client)
    mapping = SavedMapping.objects.get(name="Ekonomi")
    response = client.post(reverse("imports:saved_mapping_delete", args=[mapping.pk]))
    return response.status_code, not SavedMapping.objects.filter(pk=mapping.pk).exists()


def _decide(case: str, client) -> tuple[int, bool]:
    content = "Company,Asset Tag,Manufacturer,Model,Serial\nKultur AB,MS-30,Dell,P2422H,SN-30\n"
    data = {"file": SimpleUploadedFile("s.csv", content.encode())}
    uploaded = client.post(reverse("imports:upload"), data)
    if uploaded.status_code != 302:
        return uploaded.status_code, False
    job = ImportJob.objects.latest("pk")
    own = Department.objects.get(code="GRF")
    creating = case == "create_department_from_preview"
    choice = "new-department" if creating else f"department:{own.pk}"
    response = client.post(reverse("imports:names", args=[job.pk]), {"name_0": choice})
    if creating:
        return response.status_code, Department.objects.filter(name="Kultur AB").exists()
    return response.status_code, ValueMap.objects.filter(department=own).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_the_value_mappings_page(town, login, role_index):
    client = login(town.users[ROLES[role_index]])
    assert client.get(reverse("imports:value_maps")).status_code == READ[role_index]


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(WRITE))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_changing_import_settings(town, login, colleague, case, role_index):
    client = login(town.users[ROLES[role_index]])
    assert _write(case, client) == WRITE[case][role_index]


@pytest.mark.django_db
def test_a_coordinator_cannot_overwrite_a_colleagues_mapping_by_saving_under_its_name(
    town, login, colleague
):
    client = login(town.users["coordinator"])
    _upload(client)
    job = ImportJob.objects.latest("pk")
    data = {"column_0": "asset_tag", "column_1": "model_name", "save_as": "Ekonomi"}
    response = client.post(reverse("imports:remap", args=[job.pk]), data)
    assert response.status_code == 400
    assert "Spara din under ett annat namn" in response.content.decode()
    mapping = SavedMapping.objects.get(name="Ekonomi")
    assert (mapping.columns, mapping.owner) == (THEIRS, colleague)
    # The colleague's own mapping is still theirs to change and to use.
    client = login(colleague)
    _upload(client)
    job = ImportJob.objects.latest("pk")
    data = {"column_0": "asset_tag", "column_1": "model_name", "column_3": "department"}
    response = client.post(reverse("imports:remap", args=[job.pk]), {**data, "save_as": "Ekonomi"})
    assert response.status_code == 302
    assert SavedMapping.objects.get(name="Ekonomi").columns["Enhet"] == "department"


@pytest.mark.django_db
def test_a_coordinator_removes_their_own_saved_mapping_and_nobody_elses(town, login, colleague):
    mine = SavedMapping.objects.create(name="Min", columns={}, owner=town.users["coordinator"])
    client = login(town.users["coordinator"])
    page = client.get(reverse("imports:value_maps")).content.decode()
    assert reverse("imports:saved_mapping_delete", args=[mine.pk]) in page
    theirs = SavedMapping.objects.get(name="Ekonomi")
    assert reverse("imports:saved_mapping_delete", args=[theirs.pk]) not in page
    assert client.post(reverse("imports:saved_mapping_delete", args=[mine.pk])).status_code == 302
    assert not SavedMapping.objects.filter(pk=mine.pk).exists()


@pytest.mark.django_db
def test_a_coordinator_sees_the_value_mappings_but_no_form_to_change_them(town, login):
    ValueMap.objects.create(kind=ValueKind.STATUS, source_name="Arkiverad", code="returned")
    page = login(town.users["coordinator"]).get(reverse("imports:value_maps")).content.decode()
    assert "Arkiverad" in page and "Återlämnad" in page
    assert 'name="source_name"' not in page
    assert "/delete/" not in page


def _audited(model) -> list[AuditEntry]:
    kind = ContentType.objects.get_for_model(model)
    return list(AuditEntry.objects.filter(content_type=kind).order_by("pk"))


@pytest.mark.django_db
def test_every_change_of_import_settings_is_audited(town, login, colleague):
    admin = town.users["administrator"]
    client = login(admin)
    client.post(
        reverse("imports:value_maps"),
        {"kind": "status", "source_name": "Arkiverad", "code": "returned"},
    )
    item = ValueMap.objects.get()
    client.post(reverse("imports:value_map_delete", args=[item.pk]))
    assert [(e.action, e.actor) for e in _audited(ValueMap)] == [
        ("create", admin),
        ("delete", admin),
    ]
    _upload(client)
    job = ImportJob.objects.latest("pk")
    data = {"column_0": "asset_tag", "column_1": "model_name", "column_3": "department"}
    client.post(reverse("imports:remap", args=[job.pk]), {**data, "save_as": "Ekonomi"})
    mapping = SavedMapping.objects.get(name="Ekonomi")
    client.post(reverse("imports:saved_mapping_delete", args=[mapping.pk]))
    entries = [(e.action, e.actor) for e in _audited(SavedMapping)]
    # The colleague's creation (by nobody logged in: the fixture), then the administrator's.
    assert entries[1:] == [("update", admin), ("delete", admin)]
