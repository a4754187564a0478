"""Fixtures of the pages' access matrices."""

from kretslopp.organisation.tests.probes import world  # noqa: F401  (the route matrix's records)
