"""Reproducible derivation of the shipped category defaults and avoided-emission factors.

The two footprint factor sets (``pcf-median-2023`` and ``ivl-ademe-2020``) and the
``ivl-inrego-2020`` avoided-emission factors are *computed* from the shipped source files by
the functions below and written to ``data/factor-sets.csv`` and ``data/avoided-factors.csv``.
A test asserts that the shipped files equal what this module computes, so a reviewer can read
the rule here and trust the numbers there. Regenerate after changing a rule with::

    python -m kretslopp.footprint.derive --write

Every row says, in its ``*_basis`` columns, which source rows it rests on, and whether a
figure is a proxy (borrowed from the closest source row) or not estimated at all. Each of
these texts is written by the same rule in English and in Swedish (the ``*_sv`` column beside
it); source row names, column names and category codes are quoted as they are, untranslated.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .sources import data_path, read_csv
from .taxonomy import CATEGORY_CODES
from .texts import swedish_number

PCF_FILE = "pcf-boavizta-data-us.csv"
IVL_FILE = "ivl-2020-device-emissions-and-weights.csv"
ADEME_FILE = "ademe-negaoctet-end-user-devices.csv"
ARCHETYPE_FILE = "boavizta-user-terminal-archetypes.csv"

FACTOR_SETS_FILE = "factor-sets.csv"
AVOIDED_FILE = "avoided-factors.csv"

HOURS_PER_YEAR = 8760.0

FACTOR_SET_COLUMNS: tuple[str, ...] = (
    "factor_set",
    "category",
    "embodied_kg_co2e",
    "embodied_kg_co2e_min",
    "embodied_kg_co2e_max",
    "embodied_basis",
    "embodied_basis_sv",
    "embodied_source_ids",
    "kwh_per_year",
    "kwh_per_year_min",
    "kwh_per_year_max",
    "energy_basis",
    "energy_basis_sv",
    "energy_source_ids",
    "lifetime_years",
    "lifetime_basis",
    "lifetime_basis_sv",
    "lifetime_source_ids",
)

AVOIDED_COLUMNS: tuple[str, ...] = (
    "factor_set",
    "category",
    "ivl_row",
    "new_production_kg_co2e",
    "transport_from_production_kg_co2e",
    "waste_handling_kg_co2e",
    "transport_to_waste_handling_kg_co2e",
    "refurbishment_kg_co2e",
    "extra_transport_kg_co2e",
    "avoided_kg_co2e_per_unit",
    "avoided_kg_co2e_per_unit_min",
    "avoided_kg_co2e_per_unit_max",
    "range_rows",
    "source_ids",
    "note",
    "note_sv",
)


def fmt(value: float) -> str:
    """Format a figure for the data files: at most three decimals, no trailing zeros."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _float(text: str) -> float | None:
    text = text.strip()
    return float(text) if text else None


# --------------------------------------------------------------------------- PCF sheets

#: Names in the PCF ``Desktop`` (and ``Workstation``) subcategories that are all-in-one
#: computers (screen and computer in one case). Surface Studio is Microsoft's all-in-one.
ALL_IN_ONE_NAME = re.compile(r"all-in-one|\baio\b|imac|surface studio", re.IGNORECASE)

#: PCF (category, subcategory) -> taxonomy code. Rows not listed (IoT, gaming, hard drives,
#: converged systems, the one SAN/NAS platform) are not used for category defaults.
PCF_SUBCATEGORY_TO_CATEGORY: dict[tuple[str, str], str] = {
    ("Workplace", "Laptop"): "laptop",
    ("Workplace", "Desktop"): "desktop",
    ("Workplace", "Workstation"): "desktop",
    ("Workplace", "Thin Client"): "thin_client",
    ("Workplace", "Thin client"): "thin_client",
    ("Workplace", "Monitor"): "monitor",
    ("Workplace", "Smartphone"): "smartphone",
    ("Workplace", "Tablet"): "tablet",
    ("Workplace", "Printer"): "printer",
    ("Datacenter", "Server"): "server",
    ("Home", "Network"): "access_point",
}


def pcf_category(row: dict[str, str]) -> str | None:
    """Taxonomy code of a PCF sheet, or ``None`` when the sheet is outside the taxonomy.

    Desktop and workstation sheets whose name says all-in-one go to ``all_in_one``; the
    consumer Wi-Fi points in ``Home/Network`` (Google Wifi, Nest Wifi) are the closest sheets
    to an office access point.
    """
    code = PCF_SUBCATEGORY_TO_CATEGORY.get((row["category"], row["subcategory"]))
    if code == "desktop" and ALL_IN_ONE_NAME.search(row["name"]):
        return "all_in_one"
    return code


@dataclass(frozen=True, slots=True)
class Stat:
    """Median and spread of one figure over a group of source rows."""

    typical: float
    minimum: float
    maximum: float
    n: int


def _stat(values: Sequence[float]) -> Stat | None:
    if not values:
        return None
    return Stat(statistics.median(values), min(values), max(values), len(values))


def pcf_category_stats() -> dict[str, dict[str, Stat | None]]:
    """Per taxonomy code: median/min/max of embodied kg, kWh/year and lifetime over PCF sheets.

    Embodied = ``gwp_total × gwp_manufacturing_ratio`` on sheets that give the ratio (sheets
    without it are left out of the embodied figure, not guessed). kWh/year = ``yearly_tec``
    and lifetime = ``lifetime`` on sheets that give them.
    """
    embodied: dict[str, list[float]] = {}
    energy: dict[str, list[float]] = {}
    lifetime: dict[str, list[float]] = {}
    for row in read_csv(PCF_FILE):
        code = pcf_category(row)
        if code is None:
            continue
        total = _float(row["gwp_total"])
        ratio = _float(row["gwp_manufacturing_ratio"])
        if total is not None and ratio is not None:
            embodied.setdefault(code, []).append(total * ratio)
        tec = _float(row["yearly_tec"])
        if tec is not None:
            energy.setdefault(code, []).append(tec)
        life = _float(row["lifetime"])
        if life is not None:
            lifetime.setdefault(code, []).append(life)
    return {
        code: {
            "embodied": _stat(embodied.get(code, [])),
            "energy": _stat(energy.get(code, [])),
            "lifetime": _stat(lifetime.get(code, [])),
        }
        for code in CATEGORY_CODES
    }


def pcf_all_sheets_median_lifetime() -> Stat:
    """Median assumed lifetime over every PCF sheet that states one (all categories)."""
    values = [life for row in read_csv(PCF_FILE) if (life := _float(row["lifetime"])) is not None]
    stat = _stat(values)
    assert stat is not None
    return stat


# --------------------------------------------------------------------------- IVL 2020

#: Per taxonomy code: the IVL 2020 row used as the typical figure, the rows whose spread
#: gives min/max, and whether the row is a proxy (the closest row, not the category itself).
IVL_MAPPING: dict[str, tuple[str, tuple[str, ...], str]] = {
    "laptop": (
        "Notebook (average all sub categories)",
        (
            "Notebook: Screen below 14 inch",
            "Notebook: Screen 14+ inch",
            "Notebook: Hybrid",
        ),
        "",
    ),
    "desktop": (
        "Desktop (average all sub categories)",
        (
            "Desktop: USDT (Ultra Small DeskTop)",
            "Desktop: SFF (Small Form Factor)",
            "Desktop: Tower",
        ),
        "",
    ),
    "all_in_one": (
        "AIO  (average all sub categories) (All-in-one desktop)",
        ("AIO: Screen below 24 inch", "AIO: Screen 24+ inch"),
        "",
    ),
    "thin_client": (
        "Desktop: USDT (Ultra Small DeskTop)",
        (),
        "proxy: IVL has no thin-client row; the ultra-small desktop is the closest",
    ),
    "monitor": (
        "Monitor (average all sub categories)",
        ("Monitor: Screen below 33 inch", "Monitor: Screen 33+ inch"),
        "",
    ),
    "smartphone": ("Handheld: Smartphone", (), ""),
    "tablet": (
        "Handheld: Tablet (average all sizes)",
        ("Handheld: Tablet-big", "Handheld: Tablet-Small"),
        "",
    ),
    "printer": ("Printer: Desk", (), ""),
    "server": ("Server", (), ""),
    "network_switch": (
        "Network equipment (average all sub categories)",
        (
            "Network equpiment: Small",
            "Network equpiment: Rack mounted (blade)",
            "Network equpiment: Rack mounted (large)",
        ),
        "proxy: IVL's network-equipment average (no switch-specific row)",
    ),
    "router_firewall": (
        "Network equipment (average all sub categories)",
        (
            "Network equpiment: Small",
            "Network equpiment: Rack mounted (blade)",
            "Network equpiment: Rack mounted (large)",
        ),
        "proxy: IVL's network-equipment average (no router/firewall row)",
    ),
    "access_point": (
        "Network equpiment: Small",
        (),
        "proxy: IVL's small network equipment is the closest row to an access point",
    ),
    "storage": (
        "Server",
        (),
        "proxy: IVL has no storage-system row; the server row (rack enclosure) is the closest",
    ),
    "docking_station": ("Components: Docking station", (), ""),
    "projector": ("Projectors: mid size", (), ""),
    "other": (
        "Components (average all sub categories)",
        (),
        "proxy: 'other' has no source; IVL's average component is used as a small peripheral",
    ),
}

#: The Swedish twin of each proxy note in :data:`IVL_MAPPING`.
IVL_PROXY_SV: dict[str, str] = {
    "thin_client": (
        "närmaste motsvarighet: IVL har ingen rad för tunna klienter; den ultrasmå stationära "
        "datorn ligger närmast"
    ),
    "network_switch": (
        "närmaste motsvarighet: IVL:s genomsnitt för nätverksutrustning (ingen egen rad för "
        "switchar)"
    ),
    "router_firewall": (
        "närmaste motsvarighet: IVL:s genomsnitt för nätverksutrustning (ingen rad för "
        "routrar eller brandväggar)"
    ),
    "access_point": (
        "närmaste motsvarighet: IVL:s rad för liten nätverksutrustning ligger närmast en "
        "accesspunkt"
    ),
    "storage": (
        "närmaste motsvarighet: IVL har ingen rad för lagringssystem; serverraden "
        "(rackmonterat chassi) ligger närmast"
    ),
    "other": (
        "närmaste motsvarighet: ingen källa har värden för 'other'; IVL:s genomsnittliga "
        "komponent används, som för en mindre kringenhet"
    ),
}


def _proxies(code: str) -> tuple[str, str]:
    """The proxy note of ``code``'s IVL row in English and Swedish ('' when not a proxy)."""
    english = IVL_MAPPING[code][2]
    swedish = IVL_PROXY_SV.get(code, "")
    if bool(english) != bool(swedish):
        raise ValueError(f"IVL proxy note of {code!r} lacks its English or Swedish text")
    return english, swedish


@dataclass(frozen=True, slots=True)
class IvlRow:
    """One row of the IVL/Inrego 2020 table, kg CO2e per device."""

    asset_type: str
    new_production_kg_co2e: float
    transport_from_production_kg_co2e: float
    waste_handling_kg_co2e: float
    transport_to_waste_handling_kg_co2e: float
    weight_kg: float


def ivl_rows() -> dict[str, IvlRow]:
    """The IVL/Inrego 2020 rows by asset type, exactly as the shipped CSV gives them."""
    rows: dict[str, IvlRow] = {}
    for row in read_csv(IVL_FILE):
        name = row["Asset Type"]
        rows[name] = IvlRow(
            asset_type=name,
            new_production_kg_co2e=float(row["New Production"]),
            transport_from_production_kg_co2e=float(row["Transport from new production"]),
            waste_handling_kg_co2e=float(row["Waste handling"]),
            transport_to_waste_handling_kg_co2e=float(row["Transport to waste handling"]),
            weight_kg=float(row["Weight (kg)"]),
        )
    return rows


# --------------------------------------------------------------------------- ADEME, archetypes

#: ADEME/NegaOctet rows (Category, type) used to widen the embodied range of ivl-ademe-2020.
ADEME_MAPPING: dict[str, tuple[str, str]] = {
    "laptop": ("Laptop", "pro"),
    "desktop": ("Desktop", "pro"),
    "tablet": ("Tablet", ""),
    "smartphone": ("Smartphone", ""),
    "monitor": ("Monitor", ""),
    "server": ("Server", ""),
}


def parse_french_number(text: str) -> float:
    """Parse ADEME's French scientific notation (``"1,81E+02"`` -> 181.0)."""
    return float(text.strip().replace(",", "."))


def ademe_gwp() -> dict[tuple[str, str], float]:
    """ADEME/NegaOctet whole-life GWP (kg CO2e) by (Category, type)."""
    return {
        (row["Category"], row["type"]): parse_french_number(row["GWP"])
        for row in read_csv(ADEME_FILE)
    }


@dataclass(frozen=True, slots=True)
class Archetype:
    """A Boavizta use profile: yearly kWh at typical/min/max power, and lifetime."""

    archetype_id: str
    kwh_per_year: float
    kwh_per_year_min: float
    kwh_per_year_max: float
    lifetime_years: float | None


def archetypes() -> dict[str, Archetype]:
    """Boavizta archetypes with avg_power (W) × use_time_ratio × 8,760 h as kWh/year."""
    result: dict[str, Archetype] = {}
    for row in read_csv(ARCHETYPE_FILE):
        powers = [float(p) for p in row["USAGE.avg_power"].split(";")]
        if len(powers) == 1:
            powers = powers * 3
        ratio = float(row["USAGE.use_time_ratio"])
        hours = _float(row["USAGE.hours_life_time"])
        kwh = [p * ratio * HOURS_PER_YEAR / 1000.0 for p in powers]
        result[row["id"]] = Archetype(
            archetype_id=row["id"],
            kwh_per_year=kwh[0],
            kwh_per_year_min=min(kwh),
            kwh_per_year_max=max(kwh),
            lifetime_years=hours / HOURS_PER_YEAR if hours else None,
        )
    return result


#: Categories without manufacturer energy figures that take a Boavizta archetype. Laptops
#: never do (the README's caveat: the laptop archetype is ten times the manufacturer median).
ENERGY_ARCHETYPE: dict[str, str] = {
    "network_switch": "box-default",
    "router_firewall": "box-default",
    "smartphone": "smartphone-default",
    "tablet": "tablet-default",
}


# --------------------------------------------------------------------------- derivation


def _shared_energy_and_lifetime(
    stats: dict[str, dict[str, Stat | None]],
) -> dict[str, dict[str, str]]:
    """Energy and lifetime columns, identical in both footprint sets.

    IVL 2020 and ADEME give no use-phase energy or lifetime, so ``ivl-ademe-2020`` borrows
    these columns from the manufacturer sheets; the rules are, in order: PCF median of the
    category; the closest PCF category (storage -> server); a Boavizta archetype; for
    lifetimes of docking stations the laptop lifetime (docks are bought and retired with
    laptops); otherwise the median lifetime over all PCF sheets; energy of docking stations,
    projectors and 'other' is not estimated (0, and said so).
    """
    arch = archetypes()
    all_life = pcf_all_sheets_median_lifetime()
    out: dict[str, dict[str, str]] = {}
    for code in CATEGORY_CODES:
        cols: dict[str, str] = {}
        energy_code = "server" if code == "storage" else code
        energy = stats[energy_code]["energy"]
        if energy is not None:
            cols["kwh_per_year"] = fmt(energy.typical)
            cols["kwh_per_year_min"] = fmt(energy.minimum)
            cols["kwh_per_year_max"] = fmt(energy.maximum)
            proxy = energy_code != code
            cols["energy_basis"] = (
                f"median (min-max) yearly_tec of {energy.n} PCF sheets, {energy_code}"
                + (" (proxy: server sheets; no storage sheet with energy)" if proxy else "")
            )
            cols["energy_basis_sv"] = (
                f"median (min–max) av yearly_tec för {energy.n} PCF-blad, {energy_code}"
                + (
                    " (närmaste motsvarighet: serverblad; inget blad för lagring anger energi)"
                    if proxy
                    else ""
                )
            )
            cols["energy_source_ids"] = "boavizta-pcf"
        elif code in ENERGY_ARCHETYPE:
            a = arch[ENERGY_ARCHETYPE[code]]
            cols["kwh_per_year"] = fmt(a.kwh_per_year)
            cols["kwh_per_year_min"] = fmt(a.kwh_per_year_min)
            cols["kwh_per_year_max"] = fmt(a.kwh_per_year_max)
            box = a.archetype_id == "box-default"
            cols["energy_basis"] = (
                f"Boavizta archetype {a.archetype_id}: avg_power (typical;min;max) W x "
                "use_time_ratio x 8760 h / 1000"
                + (" (proxy: home/office network box; likely low for PoE switches)" if box else "")
            )
            cols["energy_basis_sv"] = (
                f"Boavizta-arketypen {a.archetype_id}: avg_power (typvärde;min;max) W × "
                "use_time_ratio × 8760 h / 1000"
                + (
                    " (närmaste motsvarighet: nätverksbox för hem och kontor; troligen för lågt "
                    "för PoE-switchar)"
                    if box
                    else ""
                )
            )
            cols["energy_source_ids"] = "boavizta-archetypes"
        else:
            cols["kwh_per_year"] = cols["kwh_per_year_min"] = cols["kwh_per_year_max"] = "0"
            cols["energy_basis"] = "none: no source gives a figure; energy not estimated"
            cols["energy_basis_sv"] = "ingen: ingen källa anger ett värde; energin uppskattas inte"
            cols["energy_source_ids"] = "kretslopp-choice"

        life_code = "server" if code == "storage" else code
        life = stats[life_code]["lifetime"]
        if life is not None:
            proxy = life_code != code
            cols["lifetime_years"] = fmt(life.typical)
            cols["lifetime_basis"] = f"median lifetime of {life.n} PCF sheets, {life_code}" + (
                " (proxy: server sheets)" if proxy else ""
            )
            cols["lifetime_basis_sv"] = f"medianlivslängd för {life.n} PCF-blad, {life_code}" + (
                " (närmaste motsvarighet: serverblad)" if proxy else ""
            )
            cols["lifetime_source_ids"] = "boavizta-pcf"
        elif code in ENERGY_ARCHETYPE and arch[ENERGY_ARCHETYPE[code]].lifetime_years:
            a = arch[ENERGY_ARCHETYPE[code]]
            assert a.lifetime_years is not None
            cols["lifetime_years"] = fmt(a.lifetime_years)
            cols["lifetime_basis"] = f"Boavizta archetype {a.archetype_id}: hours_life_time / 8760"
            cols["lifetime_basis_sv"] = (
                f"Boavizta-arketypen {a.archetype_id}: hours_life_time / 8760"
            )
            cols["lifetime_source_ids"] = "boavizta-archetypes"
        elif code == "docking_station":
            laptop = stats["laptop"]["lifetime"]
            assert laptop is not None
            cols["lifetime_years"] = fmt(laptop.typical)
            cols["lifetime_basis"] = (
                f"choice: laptop median lifetime ({laptop.n} PCF sheets); docks are bought "
                "and retired with laptops"
            )
            cols["lifetime_basis_sv"] = (
                f"eget val: medianlivslängd för laptop ({laptop.n} PCF-blad); dockningsstationer "
                "köps in och avvecklas tillsammans med de bärbara datorerna"
            )
            cols["lifetime_source_ids"] = "boavizta-pcf kretslopp-choice"
        else:
            cols["lifetime_years"] = fmt(all_life.typical)
            cols["lifetime_basis"] = (
                f"choice: median lifetime over all {all_life.n} PCF sheets (no category source)"
            )
            cols["lifetime_basis_sv"] = (
                f"eget val: medianlivslängd för alla {all_life.n} PCF-blad (ingen källa för "
                "kategorin)"
            )
            cols["lifetime_source_ids"] = "boavizta-pcf kretslopp-choice"
        out[code] = cols
    return out


def _ivl_embodied(code: str, widen_with_ademe: bool) -> dict[str, str]:
    rows = ivl_rows()
    typical_row, range_rows, _proxy = IVL_MAPPING[code]
    proxy, proxy_sv = _proxies(code)
    typical = rows[typical_row].new_production_kg_co2e
    spread = [typical] + [rows[r].new_production_kg_co2e for r in range_rows]
    basis = f"IVL 2020 new production, row '{typical_row.strip()}'"
    basis_sv = f"IVL 2020, nyproduktion, raden '{typical_row.strip()}'"
    if range_rows:
        quoted = ", ".join(f"'{r}'" for r in range_rows)
        basis += "; min-max over rows " + quoted
        basis_sv += "; min–max över raderna " + quoted
    else:
        basis += "; no range in source (min = max = typical)"
        basis_sv += "; inget intervall i källan (min = max = typvärde)"
    source_ids = "ivl-inrego-2020"
    if widen_with_ademe and code in ADEME_MAPPING:
        key = ADEME_MAPPING[code]
        value = ademe_gwp()[key]
        spread.append(value)
        device = f"{key[0]} {key[1]}".rstrip()
        basis += f"; range widened with ADEME/NegaOctet {device} whole-life GWP {fmt(value)}"
        basis_sv += (
            f"; intervallet breddat med ADEME/NegaOctet {device}, GWP över hela livscykeln "
            f"{swedish_number(fmt(value))}"
        )
        source_ids += " ademe-negaoctet"
    if proxy:
        basis += f" ({proxy})"
        basis_sv += f" ({proxy_sv})"
    return {
        "embodied_kg_co2e": fmt(typical),
        "embodied_kg_co2e_min": fmt(min(spread)),
        "embodied_kg_co2e_max": fmt(max(spread)),
        "embodied_basis": basis,
        "embodied_basis_sv": basis_sv,
        "embodied_source_ids": source_ids,
    }


def derive_factor_sets() -> list[dict[str, str]]:
    """Rows of ``data/factor-sets.csv``: both footprint sets, every category code."""
    stats = pcf_category_stats()
    shared = _shared_energy_and_lifetime(stats)
    rows: list[dict[str, str]] = []
    for code in CATEGORY_CODES:
        embodied = stats[code]["embodied"]
        if embodied is not None:
            emb = {
                "embodied_kg_co2e": fmt(embodied.typical),
                "embodied_kg_co2e_min": fmt(embodied.minimum),
                "embodied_kg_co2e_max": fmt(embodied.maximum),
                "embodied_basis": (
                    f"median (min-max) of gwp_total x gwp_manufacturing_ratio over "
                    f"{embodied.n} PCF sheets, {code}"
                ),
                "embodied_basis_sv": (
                    f"median (min–max) av gwp_total × gwp_manufacturing_ratio för "
                    f"{embodied.n} PCF-blad, {code}"
                ),
                "embodied_source_ids": "boavizta-pcf",
            }
        else:
            emb = _ivl_embodied(code, widen_with_ademe=False)
            emb["embodied_basis"] = (
                "no PCF sheet with a manufacturing share; " + emb["embodied_basis"]
            )
            emb["embodied_basis_sv"] = (
                "inget PCF-blad anger tillverkningens andel; " + emb["embodied_basis_sv"]
            )
        rows.append({"factor_set": "pcf-median-2023", "category": code, **emb, **shared[code]})
    for code in CATEGORY_CODES:
        emb = _ivl_embodied(code, widen_with_ademe=True)
        rows.append({"factor_set": "ivl-ademe-2020", "category": code, **emb, **shared[code]})
    return [{column: row[column] for column in FACTOR_SET_COLUMNS} for row in rows]


#: Categories the IVL/Inrego method gives no figure for: reported, never silently zero.
IVL_AVOIDED_MISSING: frozenset[str] = frozenset({"thin_client", "storage", "other"})


def ivl_net_avoided(row: IvlRow) -> tuple[float, float, float]:
    """IVL/Inrego net avoided kg CO2e per reused unit: (net, refurbishment, extra transport).

    avoided = new production + transport from production + waste handling
              + transport to waste handling − refurbishment − extra transport

    The table gives no refurbishment or extra-transport figures. Refurbishment (testing,
    data erasure, cleaning, new parts are not in scope) is taken as 0: no source gives it.
    Extra transport is taken as two domestic trips of the same kind as the table's
    'transport to waste handling' (user -> refurbisher, refurbisher -> second user).
    """
    refurbishment = 0.0
    extra_transport = 2 * row.transport_to_waste_handling_kg_co2e
    net = (
        row.new_production_kg_co2e
        + row.transport_from_production_kg_co2e
        + row.waste_handling_kg_co2e
        + row.transport_to_waste_handling_kg_co2e
        - refurbishment
        - extra_transport
    )
    return net, refurbishment, extra_transport


def derive_avoided_factors() -> list[dict[str, str]]:
    """Rows of ``data/avoided-factors.csv`` for the ``ivl-inrego-2020`` set."""
    rows_by_name = ivl_rows()
    out: list[dict[str, str]] = []
    for code in CATEGORY_CODES:
        if code in IVL_AVOIDED_MISSING:
            continue
        typical_row, range_rows, _proxy = IVL_MAPPING[code]
        proxy, proxy_sv = _proxies(code)
        row = rows_by_name[typical_row]
        net, refurbishment, extra = ivl_net_avoided(row)
        spread = [net] + [ivl_net_avoided(rows_by_name[r])[0] for r in range_rows]
        out.append(
            {
                "factor_set": "ivl-inrego-2020",
                "category": code,
                "ivl_row": typical_row,
                "new_production_kg_co2e": fmt(row.new_production_kg_co2e),
                "transport_from_production_kg_co2e": fmt(row.transport_from_production_kg_co2e),
                "waste_handling_kg_co2e": fmt(row.waste_handling_kg_co2e),
                "transport_to_waste_handling_kg_co2e": fmt(row.transport_to_waste_handling_kg_co2e),
                "refurbishment_kg_co2e": fmt(refurbishment),
                "extra_transport_kg_co2e": fmt(extra),
                "avoided_kg_co2e_per_unit": fmt(net),
                "avoided_kg_co2e_per_unit_min": fmt(min(spread)),
                "avoided_kg_co2e_per_unit_max": fmt(max(spread)),
                "range_rows": "; ".join(range_rows),
                "source_ids": "ivl-inrego-2020 kretslopp-choice",
                "note": (
                    "refurbishment 0 (no source); extra transport = 2 x transport to waste "
                    "handling (choice)"
                    + (f"; {proxy}" if proxy else "")
                    + ("" if range_rows else "; no range in source")
                ),
                "note_sv": (
                    "renovering 0 (ingen källa); extra transport = 2 × transport till "
                    "avfallshantering (eget val)"
                    + (f"; {proxy_sv}" if proxy_sv else "")
                    + ("" if range_rows else "; inget intervall i källan")
                ),
            }
        )
    return out


def to_csv_text(rows: Iterable[dict[str, str]], columns: Sequence[str]) -> str:
    """CSV text exactly as the shipped files are written (LF line ends)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Print or (``--write``) regenerate the derived data files."""
    parser = argparse.ArgumentParser(prog="python -m kretslopp.footprint.derive")
    parser.add_argument("--write", action="store_true", help="overwrite the shipped files")
    args = parser.parse_args(argv)
    outputs = {
        FACTOR_SETS_FILE: to_csv_text(derive_factor_sets(), FACTOR_SET_COLUMNS),
        AVOIDED_FILE: to_csv_text(derive_avoided_factors(), AVOIDED_COLUMNS),
    }
    for name, text in outputs.items():
        if args.write:
            data_path(name).write_text(text, encoding="utf-8")
            print(f"wrote {data_path(name)}")
        else:
            print(f"# {name}\n{text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
