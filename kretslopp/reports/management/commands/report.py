"""``kretslopp report annual --year YYYY --language sv|en --output FILE.pdf [--department CODE]``.

Takes a snapshot (kept in the report archive, like one taken on the web) and writes its
report; the output's extension chooses the format (.pdf, .xlsx or .html).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kretslopp.organisation.models import Department
from kretslopp.reports import render, snapshot


class Command(BaseCommand):
    help = "Build the annual report (or a department's) as PDF, XLSX or HTML."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        annual = sub.add_parser("annual", help="the annual report of one year")
        annual.add_argument("--year", type=int, default=snapshot.default_year())
        annual.add_argument("--language", choices=snapshot.LANGUAGES, default="sv")
        annual.add_argument("--output", required=True, help="FILE.pdf, FILE.xlsx or FILE.html")
        annual.add_argument("--department", help="a department's code: its own report")

    def handle(self, *args, **options) -> None:
        output = Path(options["output"])
        fmt = output.suffix.lower().lstrip(".")
        if fmt not in render.FORMATS:
            raise CommandError(f"{output}: the file must end in .pdf, .xlsx or .html")
        department = None
        if options["department"]:
            department = Department.objects.filter(code=options["department"]).first()
            if department is None:
                raise CommandError(f"no department with the code {options['department']!r}")
        taken = snapshot.take(options["year"], department)
        report = render.build_report(taken, options["language"], fmt)
        output.write_bytes(report.data)
        self.stdout.write(f"{output}: {len(report.data):,} bytes (snapshot #{taken.pk})")
