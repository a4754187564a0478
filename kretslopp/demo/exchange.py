"""The demo city's KPI exchange: its published values and three generated peers.

The peers carry real municipality codes and names (Kolada's: Lund 1281, Helsingborg 1283,
Göteborg 1480) but their values are *generated*: the demo city's own published values scaled
by a fixed factor per peer and KPI (from the seed), marked ``is_demo`` and with a source that
says so on every page. Göteborg's values rest on the other shipped factor set, so the
comparison page shows its warning that they are not comparable as they stand.
"""

from __future__ import annotations

import hashlib

from kretslopp import footprint
from kretslopp.demo import city
from kretslopp.exchange import published, values
from kretslopp.exchange.models import CatalogueKpi, Peer, PeerValue, Publication, Publisher
from kretslopp.organisation.access import Access

CODE = "1280"  # Malmö, the demo city's model
#: (code, name, lowest and highest scale of our values, uses another factor set)
PEERS = (
    ("1281", "Lunds kommun", 0.8, 1.15, False),
    ("1283", "Helsingborgs stad", 0.9, 1.3, False),
    ("1480", "Göteborgs Stad", 0.75, 1.1, True),
)
SOURCE = "Genererad demodata – inte kommunens verkliga värden"


def _scale(seed: int, code: str, kpi: str, year: int, low: float, high: float) -> float:
    digest = hashlib.sha256(f"{seed}:{code}:{kpi}:{year}".encode()).digest()
    return low + (high - low) * digest[0] / 255


def _other_factor_set(current: str) -> str:
    return next((fid for fid in footprint.factor_set_ids() if fid != current), current)


def load(seed: int) -> dict[str, int]:
    """Publish every complete year of the demo city's values, then its peers' values."""
    Publisher.objects.create(municipality_code=CODE, name=city.ORGANISATION_NAME)
    everyone = Access(role="administrator", department_ids=None)
    memo: dict = {}
    computed = [
        v for kpi in CatalogueKpi.objects.all() for v in values.compute(kpi, everyone, memo)
    ]
    chosen = {(v.kpi, v.period) for v in computed if v.value is not None}
    published.publish(chosen, computed, None)
    peer_values = []
    for code, name, low, high, other_factors in PEERS:
        peer = Peer.objects.create(municipality_code=code, name=name, source=SOURCE, is_demo=True)
        for own in Publication.objects.all():
            factor_set = own.factor_set
            if other_factors and factor_set:
                first = factor_set.split("+")[0]
                factor_set = factor_set.replace(first, _other_factor_set(first), 1)
            scale = _scale(seed, code, own.kpi_id, own.period, low, high)
            value = min(own.value * scale, 100.0) if own.kpi.unit == "%" else own.value * scale
            peer_values.append(
                PeerValue(
                    peer=peer,
                    kpi_id=own.kpi_id,
                    kpi_version=own.kpi_version,
                    period=own.period,
                    value=round(value, 3),
                    count=round(own.count * scale) if own.count else own.count,
                    status="",
                    method=own.method,
                    factor_set=factor_set,
                    data_quality=own.data_quality,
                )
            )
    PeerValue.objects.bulk_create(peer_values)
    return {"published_kpi_values": len(chosen), "peer_kpi_values": len(peer_values)}


def delete() -> None:
    """Remove the exchange's demo rows (before the organisation they describe goes)."""
    PeerValue.objects.all().delete()
    Peer.objects.all().delete()
    Publication.objects.all().delete()
    Publisher.objects.all().delete()
