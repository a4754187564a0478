"""``kretslopp import prints FILE --source cups|papercut``: exit 0, 1 or 2, JSON summary."""

from __future__ import annotations

import json
import sys

import pytest
from django.core.management import CommandError, call_command

from kretslopp.printing.models import PrintImport, PrintVolume
from kretslopp.printing.tests.conftest import CUSTOM_FORMAT, FIXTURES

pytestmark = pytest.mark.django_db


def run(*args: str, capsys) -> tuple[int, str]:
    """The exit status as ``run_from_argv`` would give it, and stdout."""
    code = 0
    try:
        call_command("import", "prints", *args)
    except CommandError as error:
        code = error.returncode
        print(error, file=sys.stderr)
    return code, capsys.readouterr().out


def test_good_cups_log_exits_0(mapped, capsys):
    code, out = run(
        str(FIXTURES / "page_log"), "--source", "cups", "--format", "json", capsys=capsys
    )
    assert code == 0
    summary = json.loads(out)
    assert summary["status"] == "committed"
    assert summary["rows"] == 3  # jobs
    assert PrintVolume.objects.count() == summary["created"] == 3


def test_custom_page_log_format(mapped, capsys):
    code, _out = run(
        str(FIXTURES / "page_log_custom"),
        "--source", "cups", "--page-log-format", CUSTOM_FORMAT,
        capsys=capsys,
    )  # fmt: skip
    assert code == 0
    assert PrintVolume.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "source", "rows"),
    [("page_log_malformed", "cups", [2, 4]), ("papercut-malformed.csv", "papercut", [4, 5])],
)
def test_malformed_lines_exit_1_with_line_numbers_and_nothing_written(
    mapped, capsys, name, source, rows
):
    code, out = run(str(FIXTURES / name), "--source", source, "--format", "json", capsys=capsys)
    assert code == 1
    summary = json.loads(out)
    assert [error["row"] for error in summary["errors"]] == rows
    assert PrintImport.objects.count() == 0 and PrintVolume.objects.count() == 0


def test_malformed_lines_in_swedish_text(mapped, capsys):
    code, out = run(str(FIXTURES / "page_log_malformed"), "--source", "cups", capsys=capsys)
    assert code == 1
    assert "rad 2" in out and "rad 4" in out


def test_unreadable_file_exits_2(mapped, capsys, tmp_path):
    code, _out = run(str(tmp_path / "missing.log"), "--source", "cups", capsys=capsys)
    assert code == 2
    assert PrintImport.objects.count() == 0


def test_a_user_without_the_right_is_refused(mapped, capsys):
    with pytest.raises(CommandError):
        call_command(
            "import", "prints", str(FIXTURES / "page_log"), "--source", "cups", "--user", "coord"
        )
