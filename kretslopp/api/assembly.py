"""The one NinjaAPI instance, assembled from the routers each domain app contributes."""

from __future__ import annotations

from ninja import NinjaAPI

# Each domain app adds "kretslopp.<app>.api.router" here; the API mounts them in this order.
DOMAIN_ROUTERS: list[str] = []

api = NinjaAPI(title="Kretslopp API", version="1", urls_namespace="api")
