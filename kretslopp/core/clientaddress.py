"""Which address a request came from behind the municipality's HTTPS proxies.

Plain Python (no Django), so settings can parse ``KRETSLOPP_TRUSTED_PROXIES`` with it and
the rule can be tested on its own. Each proxy appends the address it was connected from to
X-Forwarded-For; everything left of what our own proxies wrote came from the client and
can say anything, so only the last hops count.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> list[Network]:
    """Comma-separated addresses or CIDR ranges (``10.0.0.5, 10.1.0.0/16``) as networks."""
    return [
        ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()
    ]


def client_address(
    remote: str, forwarded: str, *, proxies: int, trusted: Sequence[Network] = ()
) -> str:
    """The client's address, given the connection's address and X-Forwarded-For.

    With no proxies configured the connection's address is the client, whatever headers
    say. Behind ``proxies`` proxies the client is the address that many hops from the right
    of X-Forwarded-For followed by the connection's address. When ``trusted`` lists the
    proxies' addresses, a connection from elsewhere went around them and is taken as is;
    so is a chain whose chosen entry is not an address.
    """
    if proxies <= 0 or not _within(remote, trusted):
        return remote
    hops = [part.strip() for part in forwarded.split(",") if part.strip()] + [remote]
    candidate = hops[max(0, len(hops) - 1 - proxies)]
    return candidate if _address(candidate) is not None else remote


def _within(remote: str, trusted: Sequence[Network]) -> bool:
    if not trusted:
        return True
    address = _address(remote)
    return address is not None and any(address in network for network in trusted)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None
