"""The remembered ledger follows the device fleet's data, not the fleet object's address."""

from __future__ import annotations

from kretslopp.conftest import make_asset
from kretslopp.organisation.access import access_for


def test_a_new_fleet_at_a_reused_address_is_not_taken_for_the_old_one(town, monkeypatch):
    from kretslopp.carbon import services
    from kretslopp.energy import ledger

    access = access_for(town.users["sustainability_lead"])
    monkeypatch.setattr(ledger, "FLEET_RECHECK_SECONDS", 0.0)  # ask about the fleet every time
    # Every object at one address: what CPython does when a freed fleet's memory is reused.
    monkeypatch.setattr(ledger, "id", lambda _obj: 4242, raising=False)
    before = ledger.cached(access).annual_kwh()
    for number in range(3, 23):
        make_asset(f"MS-{number:07d}", town.laptop, town.own)
    services._memo.clear()  # the old fleet is evicted from memory
    after = ledger.cached(access).annual_kwh()
    assert after != before
    assert after == ledger.build(access).annual_kwh()
