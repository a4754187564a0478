"""Fixtures of the pages' access matrices and of the sign-in tests."""

from kretslopp.organisation.tests.oidc_provider import (  # noqa: F401  (fixtures)
    _provider_server,
    oidc_provider,
)
from kretslopp.organisation.tests.probes import world  # noqa: F401  (the route matrix's records)
