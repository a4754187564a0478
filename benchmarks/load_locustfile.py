"""The simulated staff of :mod:`bench_load`, for ``locust --headless -f`` (not a benchmark itself).

Each user holds one of the sessions the bench made beforehand for the demo's sustainability
lead (the whole city in scope), so logging in (Argon2, deliberately slow) is not in the mix.
The plan file (``KRETSLOPP_LOAD_PLAN``) names the pages: which asset, which search, which
department, the read-only API token. A page counts as failed unless it answers 200 with the
text only the complete page holds; a redirect (to the login page) is a failure too.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

PLAN = json.loads(Path(os.environ["KRETSLOPP_LOAD_PLAN"]).read_text(encoding="utf-8"))
_sessions = itertools.cycle(PLAN["sessions"])


class Staff(FastHttpUser):
    """One person at work: pages with a pause to read between them.

    locust's fast client (geventhttpclient) rather than ``requests``: the load generator
    shares the machine's two cores with the app and the database, and this one spends a
    fraction of the CPU per request, which is left to what is measured.
    """

    wait_time = between(PLAN["wait_min_s"], PLAN["wait_max_s"])

    def on_start(self) -> None:
        self.session = {"Cookie": f"sessionid={next(_sessions)}"}
        self.api = {"Authorization": f"Bearer {PLAN['api_token']}"}

    def _page(self, name: str, path: str, marker: str, headers: dict | None = None) -> None:
        with self.client.get(
            path,
            name=name,
            headers=headers or self.session,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code} {response.error or ''}")
            elif marker.encode() not in response.content:
                response.failure(f"incomplete page: no {marker!r}")

    @task(3)
    def overview(self) -> None:
        self._page("overview", "/", 'class="kpis"')

    @task(3)
    def asset_list(self) -> None:
        self._page("asset list", "/assets/", 'id="results"')

    @task(3)
    def search(self) -> None:
        self._page("search", PLAN["search_path"], 'id="results"')

    @task(4)
    def asset(self) -> None:
        self._page("asset page", f"/assets/{random.choice(PLAN['asset_ids'])}/", 'id="timeline"')

    @task(2)
    def energy(self) -> None:
        self._page("energy", "/energy/", "target-chart")

    @task(1)
    def energy_department(self) -> None:
        code = random.choice(PLAN["department_codes"])
        self._page("energy department", f"/energy/departments/{code}/", 'id="main"')

    @task(1)
    def export(self) -> None:
        self._page("export (csv)", PLAN["export_path"], PLAN["export_marker"])

    @task(2)
    def api_list(self) -> None:
        self._page("api assets", "/api/v1/assets?limit=50", '"items"', self.api)

    @task(2)
    def api_asset(self) -> None:
        asset_id = random.choice(PLAN["asset_ids"])
        self._page("api asset", f"/api/v1/assets/{asset_id}", '"asset_tag"', self.api)


if os.environ.get("KRETSLOPP_LOAD_TRACE"):
    import time

    from locust import events

    # open for the life of the locust process: each request appends one line
    _trace = Path(os.environ["KRETSLOPP_LOAD_TRACE"]).open("a", buffering=1, encoding="utf-8")  # noqa: SIM115

    @events.request.add_listener
    def _record(name: str, response_time: float, **_kwargs: object) -> None:
        """Each request's end (wall clock) and time, for the bench's timeline (``--trace``)."""
        _trace.write(f"{time.time():.3f}\t{name}\t{response_time:.0f}\n")
