"""``kretslopp footprint`` as a user runs it: JSON fields, formats, and errors with locations."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kretslopp.footprint.cli import main
from kretslopp.footprint.sources import data_path

MALMO = data_path("examples/malmo-2019-takeback.csv")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def fleet_file(tmp_path: Path) -> Path:
    path = tmp_path / "fleet.csv"
    path.write_text(
        "category;manufacturer;model;quantity;in_use_date;comment\n"
        "laptop;Dell;Latitude 5420;10;2021-03-01;x\n"
        "laptop;Lenovo;ThinkPad X1 Carbon Gen 9;2;2022;\n"
        "monitor;;;20;2019;\n"
        "desktop;Dell;OptiPlex 7090;3;2020-01-15;\n",
        encoding="utf-8",
    )
    return path


def test_fleet_json_has_the_documented_fields(fleet_file):
    status, out, err = run("fleet", str(fleet_file), "--year", "2024")
    assert status == 0, err
    data = json.loads(out)
    for key in (
        "factor_set",
        "grid",
        "year",
        "assets",
        "embodied_kg_co2e_per_year",
        "use_kwh_per_year",
        "use_kg_co2e_per_year",
        "by_category",
        "rows",
    ):
        assert key in data
    assert data["factor_set"] == "pcf-median-2023"
    assert data["grid"] == "owid-swe"
    assert data["year"] == 2024
    assert data["assets"] == 35
    assert set(data["by_category"]) == {"laptop", "monitor", "desktop"}
    assert set(data["by_category"]["laptop"]) >= {
        "embodied_kg_co2e_per_year",
        "use_kwh_per_year",
        "use_kg_co2e_per_year",
    }
    rows = {r["row"]: r for r in data["rows"]}
    assert set(rows) == {2, 3, 4, 5}
    assert rows[2]["data_quality"] == "model"
    assert rows[2]["matched_model"]["name"] == "Latitude 5420"
    assert rows[2]["embodied_kg_co2e_total"] == pytest.approx(3086.72)  # 10 x 364 x 0.848
    assert rows[3]["data_quality"] == "category" and rows[3]["matched_model"] is None
    assert rows[3]["match"]["status"] == "weak"
    assert rows[4]["matched_model"] is None and rows[4]["data_quality"] == "category"
    assert rows[5]["match"]["status"] == "ambiguous"
    assert any("weak or ambiguous" in n for n in data["notes"])
    categories = data["by_category"].values()
    assert data["use_kwh_per_year"] == pytest.approx(
        sum(c["use_kwh_per_year"] for c in categories), abs=0.01
    )


def test_fleet_options_change_what_they_should(fleet_file):
    _, base, _ = run("fleet", str(fleet_file), "--year", "2024")
    _, nordic, _ = run("fleet", str(fleet_file), "--year", "2024", "--grid", "nordic-ivl")
    _, ivl, _ = run("fleet", str(fleet_file), "--year", "2024", "--factor-set", "ivl-ademe-2020")
    base, nordic, ivl = json.loads(base), json.loads(nordic), json.loads(ivl)
    assert nordic["embodied_kg_co2e_per_year"] == base["embodied_kg_co2e_per_year"]
    assert nordic["use_kg_co2e_per_year"] > base["use_kg_co2e_per_year"]
    assert ivl["factor_set"] == "ivl-ademe-2020"
    assert ivl["by_category"]["monitor"] != base["by_category"]["monitor"]


@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_fleet_csv_and_table_formats(fleet_file, fmt):
    status, out, _ = run("fleet", str(fleet_file), "--year", "2024", "--format", fmt)
    assert status == 0
    lines = out.splitlines()
    header = (
        lines[0] if fmt == "csv" else next(line for line in lines if line.startswith("category"))
    )
    assert header.split(",")[0].split()[0] == "category"
    assert "embodied_kg_co2e_per_year" in header
    assert lines[-1].startswith("TOTAL")


def test_takeback_json_for_the_malmo_file():
    status, out, err = run("takeback", str(MALMO), "--factor-set", "inrego-legacy")
    assert status == 0, err
    data = json.loads(out)
    assert data["factor_set"] == "inrego-legacy"
    assert data["allocation"] == "full"
    assert data["products"] == 7500
    assert data["avoided_kg_co2e"] == 375900
    assert data["avoided_kg_co2e_min"] == data["avoided_kg_co2e_max"] == 375900
    assert data["by_category"]["laptop"]["avoided_kg_co2e"] == 2900 * 69
    assert data["missing"] == {"tablet": 250}


def test_takeback_shared_allocation():
    _, out, _ = run("takeback", str(MALMO), "--allocation", "shared")
    data = json.loads(out)
    assert data["factor_set"] == "ivl-inrego-2020"
    assert data["allocation"] == "shared"
    assert data["avoided_kg_co2e"] == pytest.approx(1_047_008.75)
    assert data["avoided_kg_co2e_min"] < data["avoided_kg_co2e"] < data["avoided_kg_co2e_max"]


def test_the_malmo_example_file_has_the_reported_totals():
    text = MALMO.read_text(encoding="utf-8").splitlines()
    assert text[0] == "category,manufacturer,model,quantity,outcome"
    rows = [line.split(",") for line in text[1:]]
    assert sum(int(r[3]) for r in rows) == 7500
    assert sum(int(r[3]) for r in rows if r[0] in ("laptop", "desktop")) == 4500


def test_factor_sets_lists_every_choice_with_sources():
    status, out, _ = run("factor-sets", "--format", "json")
    assert status == 0
    data = json.loads(out)
    ids = {item["id"] for kind in data.values() for item in kind}
    assert ids >= {
        "pcf-median-2023",
        "ivl-ademe-2020",
        "owid-swe",
        "nordic-ivl",
        "owid-eu27",
        "ivl-inrego-2020",
        "inrego-legacy",
    }
    for kind in data.values():
        for item in kind:
            assert item["sources"] and all(s["licence"] for s in item["sources"])
    status, out, _ = run("factor-sets")
    assert status == 0 and "pcf-median-2023" in out and "sources:" in out


def _bad(tmp_path: Path, text: str, name: str = "bad.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("command", "text", "expected"),
    [
        (
            "fleet",
            "category,quantity,in_use_date\nlaptop,1,2021\nlaptp,2,2020\n",
            "bad.csv, row 3, column 'category': unknown category 'laptp'",
        ),
        (
            "fleet",
            "category,quantity,in_use_date\nlaptop,two,2021\n",
            "bad.csv, row 2, column 'quantity'",
        ),
        (
            "fleet",
            "category,quantity,in_use_date\nlaptop,1.5,2021\n",
            "bad.csv, row 2, column 'quantity': bad quantity '1.5'",
        ),
        (
            "fleet",
            "category,quantity,in_use_date\nlaptop,1,2021-02-30\n",
            "bad.csv, row 2, column 'in_use_date'",
        ),
        (
            "fleet",
            "category,quantity\nlaptop,1\n",
            "bad.csv, row 1, column 'in_use_date': missing required column 'in_use_date'",
        ),
        (
            "takeback",
            "category,quantity,outcome\nlaptop,3,sold\n",
            "bad.csv, row 2, column 'outcome': unknown outcome 'sold'",
        ),
        (
            "takeback",
            "category,quantity,outcome\nlaptop,-3,resold\n",
            "bad.csv, row 2, column 'quantity'",
        ),
    ],
)
def test_bad_files_name_file_row_and_column_and_exit_1(tmp_path, command, text, expected):
    status, out, err = run(command, str(_bad(tmp_path, text)))
    assert status == 1
    assert out == ""
    assert expected in err


def test_a_missing_file_is_an_error_not_a_traceback(tmp_path):
    status, _, err = run("fleet", str(tmp_path / "nope.csv"))
    assert status == 1 and "nope.csv" in err


def test_unknown_factor_set_is_a_usage_error(fleet_file):
    status, _, err = run("fleet", str(fleet_file), "--factor-set", "made-up")
    assert status == 2 and "unknown factor set 'made-up'" in err


def test_swedish_csv_with_bom_and_decimal_comma_figures(tmp_path):
    path = tmp_path / "sv.csv"
    path.write_bytes(
        "category;quantity;in_use_date;embodied_kg_co2e\nserver;1;2023-01-01;1234,5\n".encode(
            "utf-8-sig"
        )
    )
    status, out, err = run("fleet", str(path), "--year", "2023")
    assert status == 0, err
    row = json.loads(out)["rows"][0]
    assert row["data_quality"] == "manual"
    assert row["embodied_kg_co2e_total"] == 1234.5


def test_python_dash_m_runs_the_cli():
    result = subprocess.run(
        [sys.executable, "-m", "kretslopp.footprint", "takeback", str(MALMO), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["avoided_kg_co2e"] == pytest.approx(2_094_017.5)


def test_takeback_reads_xlsx(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["category", "manufacturer", "model", "quantity", "outcome"])
    sheet.append(["laptop", None, None, 10, "donated"])
    sheet.append(["monitor", None, None, 4, "destroyed"])
    path = tmp_path / "returns.xlsx"
    book.save(path)
    status, out, err = run("takeback", str(path), "--factor-set", "inrego-legacy")
    assert status == 0, err
    data = json.loads(out)
    assert data["products"] == 14
    assert data["avoided_kg_co2e"] == 690
