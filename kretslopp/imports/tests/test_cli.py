"""``kretslopp import assets …``: exit codes, the JSON summary, --mapping, --user, --dry-run."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kretslopp.imports.models import SavedMapping
from kretslopp.imports.tests.conftest import TABULAR_FIXTURES, db_counts
from kretslopp.inventory.models import Asset

GOOD = "Asset tag,Serial number,Manufacturer,Model,Department,Status\nMS-1,SN-1,Dell,P2422H,GRF,In stock\n"  # noqa: E501
BAD = GOOD + "MS-2,SN-2,Dell,P2422H,GRF,Förlagd\n"


def kretslopp(*args: str, capsys) -> tuple[int, str, str]:
    """Run the command; returns (exit status, stdout, stderr).

    Django's ``run_from_argv`` turns a :class:`CommandError` into ``sys.exit(returncode)``
    and then closes every database connection (the test's own too), so the exit status is
    taken from the error here, exactly as ``run_from_argv`` would.
    """
    code = 0
    name, *rest = args
    try:
        call_command(name, *rest)
    except CommandError as error:
        code = error.returncode
        print(error, file=sys.stderr)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def write(tmp_path):
    def _write(text: str | bytes, name: str = "assets.csv") -> str:
        path = tmp_path / name
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        return str(path)

    return _write


@pytest.mark.django_db
def test_a_clean_file_is_imported_and_exits_0(town, write, capsys):
    code, out, _err = kretslopp("import", "assets", write(GOOD), "--format", "json", capsys=capsys)
    summary = json.loads(out)
    assert code == 0
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (1, 0, 0)
    assert summary["errors"] == []
    assert Asset.objects.filter(asset_tag="MS-1").exists()


@pytest.mark.django_db
def test_rejected_rows_exit_1_with_located_errors_and_write_nothing(town, write, capsys):
    before = db_counts()
    code, out, _err = kretslopp("import", "assets", write(BAD), "--format", "json", capsys=capsys)
    summary = json.loads(out)
    assert code == 1
    (error,) = summary["errors"]
    assert (error["row"], error["column"], error["value"]) == (3, "Status", "Förlagd")
    assert error["message"]
    assert db_counts() == before


@pytest.mark.django_db
def test_an_unreadable_file_exits_2(town, write, capsys):
    path = write(b"%PDF-1.4 binary", "report.csv")
    code, out, _err = kretslopp("import", "assets", path, "--format", "json", capsys=capsys)
    assert code == 2
    assert json.loads(out)["status"] == "unreadable"


@pytest.mark.django_db
def test_a_dry_run_writes_nothing_and_exits_0(town, write, capsys):
    before = db_counts()
    code, out, _err = kretslopp(
        "import", "assets", write(GOOD), "--dry-run", "--format", "json", capsys=capsys
    )
    assert code == 0
    assert json.loads(out)["created"] == 1
    assert db_counts() == before


@pytest.mark.django_db
def test_text_output_names_row_and_column_in_english_or_swedish(town, write, capsys):
    code, out, _err = kretslopp("import", "assets", write(BAD), "--language", "en", capsys=capsys)
    assert code == 1
    assert "row 3" in out and "“Status”" in out and "Förlagd" in out
    code, out, err = kretslopp("import", "assets", write(BAD), "--language", "sv", capsys=capsys)
    assert "rad 3" in out
    # The closing line on standard error speaks the chosen language too, in the singular.
    assert "assets.csv: 1 problem, ingenting importerades." in err


@pytest.mark.django_db
def test_user_scoping_applies_on_the_command_line(town, write, capsys):
    other = GOOD.replace(",GRF,", ",MF,")
    code, out, _err = kretslopp(
        "import", "assets", write(other), "--user", "coord", "--format", "json", capsys=capsys
    )
    assert code == 1
    assert json.loads(out)["errors"][0]["column"] == "Department"
    code, _out, err = kretslopp("import", "assets", write(GOOD), "--user", "viewer", capsys=capsys)
    assert code == 1 and "viewer" in err


@pytest.mark.django_db
def test_a_saved_mapping_by_name(town, write, capsys):
    SavedMapping.objects.create(
        name="lager", columns={"Nr": "asset_tag", "Typ": "model_name", "Märke": "manufacturer",
                               "Enhet": "department"}
    )  # fmt: skip
    path = write("Nr,Typ,Märke,Enhet\nMS-5,P2422H,Dell,GRF\n")
    code, out, _err = kretslopp(
        "import", "assets", path, "--mapping", "lager", "--format", "json", capsys=capsys
    )
    assert code == 0, out
    assert Asset.objects.filter(asset_tag="MS-5").exists()


@pytest.mark.django_db
def test_allow_new_models_creates_the_catalogue_entries(town, capsys):
    from kretslopp.organisation.models import Department

    Department.objects.create(code="FRI", name="Fritidsförvaltningen")
    Department.objects.create(code="SBK", name="Stadsbyggnadskontoret")
    path = str(Path(TABULAR_FIXTURES / "snipeit_en.csv"))
    code, out, _err = kretslopp("import", "assets", path, "--format", "json", capsys=capsys)
    assert code == 1
    assert {error["column"] for error in json.loads(out)["errors"]} == {"Model", "Location"}
    code, out, _err = kretslopp(
        "import", "assets", path, "--allow-new-models", "--format", "json", capsys=capsys
    )
    assert code == 0
    assert json.loads(out)["created"] == 5
