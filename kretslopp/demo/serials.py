"""Serial numbers that look like each manufacturer's, unique per manufacturer.

Coordinators recognise a Dell service tag or an HP serial at a glance, and importers and the
take-back reconciliation match on serials, so the demo's serials follow each manufacturer's
visible shape (length, prefix, character set). They are random, not real devices' serials.
"""

from __future__ import annotations

import random
from collections.abc import Callable

_ALNUM = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_DELL = "0123456789BCDFGHJKLMNPQRSTVWXYZ"  # service tags avoid vowels
_DIGITS = "0123456789"


def _pick(rng: random.Random, alphabet: str, length: int) -> str:
    return "".join(rng.choices(alphabet, k=length))


def _dell(rng: random.Random, category: str, year: int) -> str:
    return _pick(rng, _DELL, 7)


def _lenovo(rng: random.Random, category: str, year: int) -> str:
    prefix = {
        "laptop": "PF",
        "desktop": "MJ",
        "all_in_one": "MJ",
        "monitor": "V",
        "server": "J30",
        "tablet": "HA",
        "docking_station": "ZK",
    }.get(category, "PF")
    return prefix + _pick(rng, _ALNUM, 8 - len(prefix))


def _hp(rng: random.Random, category: str, year: int) -> str:
    # location code + year digit + week + four characters, ten in all
    prefix = {
        "laptop": "5CG",
        "desktop": "CZC",
        "monitor": "CNK",
        "printer": "VNB",
        "server": "CZJ",
        "docking_station": "5CG",
    }.get(category, "CN")
    week = rng.randint(1, 52)
    body = f"{year % 10}{week:02d}{_pick(rng, _ALNUM, 4)}"
    return (prefix + body)[:10].ljust(10, "0")


def _apple(rng: random.Random, category: str, year: int) -> str:
    prefix = {"laptop": "C02", "smartphone": "F2L", "tablet": "DMP"}.get(category, "C02")
    return prefix + _pick(rng, _ALNUM, 9)


def _samsung(rng: random.Random, category: str, year: int) -> str:
    return "R5" + rng.choice("2689") + rng.choice("MNRT") + _pick(rng, _ALNUM, 7)


def _microsoft(rng: random.Random, category: str, year: int) -> str:
    return _pick(rng, _DIGITS, 12)


def _cisco(rng: random.Random, category: str, year: int) -> str:
    return f"FOC{year % 100:02d}{rng.randint(1, 52):02d}{_pick(rng, _ALNUM, 4)}"


def _aruba(rng: random.Random, category: str, year: int) -> str:
    return "CN" + _pick(rng, _ALNUM, 8)


def _fortinet(rng: random.Random, category: str, year: int) -> str:
    return f"FG1{rng.choice('024')}0FTK{year % 100:02d}{_pick(rng, _DIGITS, 6)}"


def _ricoh(rng: random.Random, category: str, year: int) -> str:
    return f"{rng.choice('CEG')}{_pick(rng, _DIGITS, 3)}R{_pick(rng, _DIGITS, 6)}"


def _generic(prefix: str, length: int) -> Callable[[random.Random, str, int], str]:
    def make(rng: random.Random, category: str, year: int) -> str:
        return prefix + _pick(rng, _ALNUM, length - len(prefix))

    return make


FORMATS: dict[str, Callable[[random.Random, str, int], str]] = {
    "Dell": _dell,
    "Lenovo": _lenovo,
    "HP": _hp,
    "HPE": _hp,
    "Apple": _apple,
    "Samsung": _samsung,
    "Microsoft": _microsoft,
    "Cisco": _cisco,
    "HPE Aruba": _aruba,
    "Fortinet": _fortinet,
    "Ricoh": _ricoh,
    "Lexmark": _generic("7", 11),
    "Konica Minolta": _generic("A", 13),
    "NetApp": _generic("7", 12),
    "Epson": _generic("X", 10),
    "BenQ": _generic("PD", 12),
    "Fairphone": _generic("FP", 12),
}


class SerialFactory:
    """Issues serials; never the same one twice for a manufacturer (collisions redrawn)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._issued: dict[str, set[str]] = {}

    def issue(self, manufacturer: str, category: str, year: int) -> str:
        make = FORMATS.get(manufacturer) or _generic(manufacturer[:2].upper(), 12)
        issued = self._issued.setdefault(manufacturer, set())
        while True:
            serial = make(self._rng, category, year)
            if serial not in issued:
                issued.add(serial)
                return serial
