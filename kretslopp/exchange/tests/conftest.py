"""The exchange tests' fixtures: a KPI with known values, and Malmö publishing it."""

from kretslopp.exchange.tests.test_exchange import published, source_kpi  # noqa: F401
