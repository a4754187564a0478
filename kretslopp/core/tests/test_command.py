"""The ``kretslopp`` command: Django's commands plus ours, footprint without a database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "footprint/data/examples/malmo-2019-takeback.csv"


def run(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    # A database URL nobody can open: the footprint commands must not need one.
    env["KRETSLOPP_DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none"
    env["KRETSLOPP_VAR_DIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "-m", "kretslopp", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_footprint_takeback_runs_from_a_file_without_a_database(tmp_path):
    result = run("footprint", "takeback", str(EXAMPLE), "--format", "json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["products"] == 7500
    assert summary["avoided_kg_co2e"] > 0


def test_footprint_reports_a_bad_file_with_row_and_column(tmp_path):
    bad = tmp_path / "fleet.csv"
    bad.write_text(
        "category,quantity,in_use_date\nlaptop,2,2022\nspaceship,1,2022\n", encoding="utf-8"
    )
    result = run("footprint", "fleet", str(bad), tmp_path=tmp_path)
    assert result.returncode == 1
    assert "row 3" in result.stderr and "category" in result.stderr


def test_django_commands_go_through_the_same_command(tmp_path):
    result = run("help", "demo", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "--assets" in result.stdout


def test_an_import_starts_with_only_what_an_import_needs(tmp_path):
    """``kretslopp import assets`` skips the system checks (which load every URL, view and
    the API) and loads no numpy, spreadsheet writer or print-log parser: it starts at once.
    """
    rows = tmp_path / "assets.csv"
    rows.write_text("Asset tag,Model\nMS-1,Latitude 5420\n", encoding="utf-8")
    heavy = ("kretslopp.urls", "ninja", "numpy", "vl_convert", "xlsxwriter", "kretslopp.printlogs")
    script = (
        "import sys\n"
        "from kretslopp.cli import main\n"
        "try:\n"
        "    main(['kretslopp', 'import', 'assets', sys.argv[1]])\n"
        "except BaseException:\n"  # the database is empty: the import itself fails
        "    pass\n"
        f"print(' '.join(name for name in {heavy!r} if name in sys.modules))\n"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env["KRETSLOPP_DATABASE_URL"] = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    env["KRETSLOPP_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", script, str(rows)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1:] in ([], [""]), result.stdout + result.stderr
