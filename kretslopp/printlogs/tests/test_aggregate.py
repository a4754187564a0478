"""Aggregation per department and month, biggest changes, and paper CO2e from the factors."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from kretslopp.printlogs import (
    UNMAPPED,
    PrintAggregator,
    PrintJob,
    biggest_changes,
    paper_factors,
    paper_footprint,
    paper_sources,
    sheets_for,
    summarise_print_log,
)

FIXTURES = Path(__file__).parent / "fixtures"
DEPARTMENTS = {"SBK": "stadsbyggnad", "FRI": "fritid", "MIL": "miljo"}


def by_printer(job: PrintJob) -> str | None:
    return DEPARTMENTS.get(job.printer.rsplit("\\", 1)[-1][:3])


def job(month: int, pages: int, *, dept: str = "SBK", duplex=None, colour=None, size="A4"):
    return PrintJob(
        time=datetime(2026, month, 1, 12), user="u", printer=f"{dept}-P", job_id="1",
        pages=pages, copies=1, sheets=sheets_for(pages, 1, duplex), duplex=duplex,
        colour=colour, billing_code=None, paper_size=size, source_line=1,
    )  # fmt: skip


def test_sheets_arithmetic() -> None:
    assert sheets_for(5, 1, True) == 3
    assert sheets_for(10, 2, True) == 6  # 2 copies of 5 pages: 3 sheets each
    assert sheets_for(7, 2, True) == 4  # split unknown: ceil(7 / 2)
    assert sheets_for(5, 1, False) == sheets_for(5, 1, None) == 5
    assert sheets_for(0, 1, True) == 0


def test_shares_are_page_weighted_over_known_settings() -> None:
    aggregator = PrintAggregator(by_printer)
    aggregator.add_all([
        job(3, 10, duplex=True, colour=True),
        job(3, 30, duplex=False, colour=None),
        job(3, 60, duplex=None, colour=False, size="A3"),
        job(3, 5, dept="XYZ"),
    ])  # fmt: skip
    stats = aggregator.results()
    sbk = stats[("stadsbyggnad", "2026-03")]
    assert (sbk.jobs, sbk.pages, sbk.sheets) == (3, 100, 5 + 30 + 60)
    assert sbk.a4_sheets == 5 + 30 + 120
    assert sbk.duplex_share == pytest.approx(10 / 40)  # 60 pages unknown are left out
    assert sbk.colour_share == pytest.approx(10 / 70)  # 30 pages unknown are left out
    unmapped = stats[(UNMAPPED, "2026-03")]
    assert unmapped.duplex_share is None and unmapped.colour_share is None


def test_summarise_the_papercut_fixture() -> None:
    result = summarise_print_log(FIXTURES / "papercut-print-log-2026-11-21.csv", by_printer)
    assert result.ok and result.jobs_counted == 4
    sbk = result.stats[("stadsbyggnad", "2026-11")]
    assert (sbk.jobs, sbk.pages, sbk.sheets, sbk.a4_sheets) == (2, 13, 8, 10)
    assert sbk.duplex_share == 1.0 and sbk.colour_share == pytest.approx(3 / 13)
    assert set(result.stats) == {
        ("fritid", "2026-11"), ("miljo", "2026-11"), ("stadsbyggnad", "2026-11"),
    }  # fmt: skip


def test_summarise_is_all_or_nothing() -> None:
    data = (FIXTURES / "page_log").read_bytes() + b"garbage line\n"
    result = summarise_print_log(data, by_printer, file_name="page_log")
    assert result.stats == {} and result.jobs_counted == 0 and result.errors[0].line == 9
    partial = summarise_print_log(data, by_printer, skip_malformed=True)
    assert partial.jobs_counted == 4 and partial.skipped_malformed


def test_biggest_changes_compare_monthly_means() -> None:
    aggregator = PrintAggregator(by_printer)
    aggregator.add_all([
        job(1, 1000), job(2, 1000), job(3, 400),  # stadsbyggnad: 1000/month → 400/month
        job(1, 100, dept="FRI"), job(3, 150, dept="FRI"),  # fritid: 50/month → 150
        job(3, 10, dept="MIL"),  # miljo: new
    ])  # fmt: skip
    changes = biggest_changes(
        aggregator.results().values(), ("2026-01", "2026-02"), ("2026-03", "2026-03")
    )
    assert [c.department for c in changes] == ["stadsbyggnad", "fritid", "miljo"]
    assert changes[0].before_per_month == 1000 and changes[0].change == -600
    assert changes[0].change_fraction == pytest.approx(-0.6)
    assert changes[1].change_fraction == pytest.approx(2.0)
    assert changes[2].change_fraction is None
    assert len(biggest_changes(aggregator.results().values(), ("2026-01", "2026-02"),
                               ("2026-03", "2026-03"), limit=1)) == 1  # fmt: skip
    with pytest.raises(ValueError):
        biggest_changes([], ("2026-03", "2026-01"), ("2026-03", "2026-03"))


def test_paper_co2e_and_trees_from_the_sourced_factors() -> None:
    factors = paper_factors()
    assert factors["kg_co2e_per_a4_sheet"].value == 0.0127
    assert factors["kg_co2e_per_a4_sheet"].unit == "kg CO2e per A4 sheet"
    assert factors["a4_sheets_per_tree"].value == 8333
    # the per-sheet figure and the per-tonne basis agree at about 5 g per A4 sheet
    grams_per_sheet = 0.0127 / factors["kg_co2e_per_tonne_paper"].value * 1e6
    assert grams_per_sheet == pytest.approx(5.08)
    footprint = paper_footprint(1_000_000)
    assert footprint.kg_co2e == pytest.approx(12_700)
    assert footprint.trees == pytest.approx(120.0, abs=0.01)
    assert footprint.source_ids == ("papercut-defaults",)
    assert "paper production only" in footprint.scope
    source = paper_sources()["papercut-defaults"]
    assert source.publisher == "PaperCut Software" and source.licence
    # A3 counts as two A4: 500 A3 sheets weigh in like 1,000 A4
    a3 = job(5, 500, size="A3")
    assert paper_footprint(a3.a4_sheets).kg_co2e == pytest.approx(12.7)
    with pytest.raises(ValueError):
        paper_footprint(-1)
