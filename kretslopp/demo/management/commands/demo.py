"""``kretslopp demo``: load the demo municipality (Malmö stad, 26,000 employees).

``make run`` calls ``kretslopp demo --if-empty`` on every start, so a fresh checkout shows a
working city at once and a restart never reloads it. ``--assets`` makes benchmark fleets of
any size from the same description; ``--seed`` gives another, equally plausible city.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kretslopp.demo import fleet, loader


class Command(BaseCommand):
    help = "Load the demo municipality: departments, people, catalogue, assets and logins."
    # A domain command starts at once: the system checks are `kretslopp check`'s job.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--assets",
            type=int,
            default=fleet.DEFAULT_ASSETS,
            help="Number of assets (default %(default)s); 100000 or 1000000 for benchmarks.",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when an organisation already exists (used by `make run`).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the existing demo data first (all or nothing).",
        )

    def handle(self, *args, assets: int, seed: int, if_empty: bool, replace: bool, **options):
        if assets < 100:
            raise CommandError("--assets must be at least 100.")
        if if_empty and loader.has_data():
            self.stdout.write("Demo data already loaded")
            self.logins(loader.existing_demo_accounts())
            return
        try:
            result = loader.load(assets=assets, seed=seed, replace=replace)
        except loader.DemoExists as error:
            raise CommandError(str(error)) from error
        self.report(result)

    def report(self, result: loader.Result) -> None:
        out = self.stdout.write
        counts = result.counts
        out(self.style.SUCCESS(f"Demo municipality loaded in {result.seconds:.1f} s."))
        labels = (
            ("departments", "departments"),
            ("people", "people (invented)"),
            ("product_models", "product models"),
            ("labels", "labels"),
            ("assets", "assets"),
            ("lifecycle_events", "lifecycle events"),
            ("takeback_2019", "of them in the take-back 2019"),
        )
        for key, label in labels:
            out(f"  {counts.get(key, 0):>9,}  {label}".replace(",", " "))
        self.logins(result.accounts)

    def logins(self, accounts) -> None:
        """The demo logins, printed on every `make run` so nobody has to look them up."""
        if not accounts:
            return
        out = self.stdout.write
        out("")
        out("  Demo logins (demo data only; never use this password for real data):")
        out(f"  {'username':<12} {'role':<20} password")
        for username, role, password in accounts:
            out(f"  {username:<12} {role:<20} {password}")
