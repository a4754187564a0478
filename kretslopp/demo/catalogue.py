"""The demo's product catalogue: real model names, from manufacturers' PCF sheets where possible.

Models come from the Boavizta PCF data set that ships with the footprint engine, so the demo
fleet matches real sheets (and the engine has model-specific figures to show). Only business
lines a municipality buys are kept; consumer and gaming ranges are left out because a demo
full of gaming laptops would not be believed. Categories the data set lacks (network gear,
docking stations, projectors, most printers) and models newer than the data set get a short
hand-written list of real model names without an energy figure: a figure we cannot source is
left empty rather than invented.

Each model gets a *segment* (who buys it: ``staff``, ``pupil``, ``care``, ``cad``, ``infra``)
and a year, from which the fleet generator picks models that were on sale when it buys.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import kretslopp

#: Where the footprint engine keeps its data files (inside the installed package).
FOOTPRINT_DATA = Path(kretslopp.__file__).resolve().parent / "footprint" / "data"
PCF_GLOB = "**/*boavizta*us*.csv"
PCF_COLUMNS = {"manufacturer", "name", "category", "subcategory", "yearly_tec", "report_date"}

#: How many years after its sheet's year a model is still bought, per category.
SALE_SPAN: dict[str, int] = {
    "laptop": 2,
    "desktop": 2,
    "all_in_one": 2,
    "thin_client": 5,
    "monitor": 3,
    "smartphone": 2,
    "tablet": 3,
    "printer": 4,
    "server": 3,
    "network_switch": 5,
    "router_firewall": 4,
    "access_point": 4,
    "storage": 4,
    "docking_station": 4,
    "projector": 4,
}


@dataclass
class LabelSpec:
    scheme: str
    level: str
    valid_from: dt.date | None
    valid_until: dt.date | None


@dataclass
class ModelSpec:
    """One catalogue model, before it is a database row."""

    manufacturer: str
    name: str
    category: str
    segment: str
    year: int
    energy_kwh_per_year: Decimal | None = None
    screen_size_inch: Decimal | None = None
    notes: str = ""
    labels: list[LabelSpec] = field(default_factory=list)
    #: PCF sheets are often dated a year or two after launch, so sheet models may be bought
    #: that much earlier than their year; hand-written models carry their launch year.
    from_sheet: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.manufacturer, self.name)

    def sold_in(self, year: int) -> bool:
        first = self.year - (2 if self.from_sheet else 0)
        return first <= year <= self.year + SALE_SPAN.get(self.category, 3)


# --- reading the PCF data set -------------------------------------------------------------


def find_pcf_file(root: Path = FOOTPRINT_DATA) -> Path:
    """The PCF CSV shipped with the footprint engine.

    The glob also matches other Boavizta files (``...user-terminal...``), so the file is
    recognised by its columns, not by its name alone.
    """
    for path in sorted(root.glob(PCF_GLOB)):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = set(next(csv.reader(handle), []))
        if header >= PCF_COLUMNS:
            return path
    raise FileNotFoundError(f"no Boavizta PCF data set ({PCF_GLOB}) under {root}")


_YEAR = re.compile(r"(20[12]\d)")


def sheet_year(row: dict[str, str]) -> int | None:
    """The model's year: the sheet's report year, or the year in the name if earlier.

    Report dates come in several formats ("December 2018", "2022-2-6", "26/07/2019"); the
    year is the only part we need. Apple puts the model year in the name ("... - 2015").
    """
    years = [int(y) for y in _YEAR.findall(row.get("report_date", ""))]
    named = re.search(r"- (20[12]\d)$", row["name"])
    if named:
        years.append(int(named.group(1)))
    return min(years) if years else None


def _decimal(text: str, places: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return None
    if value <= 0:
        return None
    return value.quantize(Decimal(places))


# (manufacturer, pattern on the name, category, segment). First match wins; unmatched rows
# are not part of the demo catalogue.
_RULES: tuple[tuple[str, str, str, str], ...] = (
    # pupils' devices
    ("*", r"Chromebook", "laptop", "pupil"),
    ("Lenovo", r"^ThinkPad 11e", "laptop", "pupil"),
    ("Lenovo", r"^N2[34]\b", "laptop", "pupil"),
    # staff laptops: business ranges only
    ("Dell", r"^Latitude E?\d{4}( 2-in-1)?$", "laptop", "staff"),
    (
        "Lenovo",
        r"^ThinkPad ([TLXE]\d{2,3}s?|E1[45]|X1 Carbon( 5th Gen)?|L13.*)$",
        "laptop",
        "staff",
    ),
    ("HP", r"^(EliteBook|ProBook) ", "laptop", "staff"),
    ("Apple", r"^13-inch MacBook Air.*256GB|^MacBook Air \(M[12]", "laptop", "staff"),
    # desktops and all-in-ones
    ("Dell", r"^OptiPlex \d{4} (Micro|Small) Form Factor$", "desktop", "staff"),
    ("Lenovo", r"^ThinkCentre M\d+[a-z]?(/M\d+p)?( SFF| Tiny)$", "desktop", "staff"),
    ("HP", r"^Elite Tower", "desktop", "staff"),
    ("Dell", r"^Precision (Tower 3\d{3}|3\d{3} Tower)$", "desktop", "cad"),
    ("Dell", r"^OptiPlex \d{4} All-in-One", "all_in_one", "staff"),
    ("Lenovo", r"^ThinkCentre M\d+z?( AIO| All-in-One)", "all_in_one", "staff"),
    # thin clients for shared workstations in care
    ("Dell", r"^Wyse \d{4} Thin Client$", "thin_client", "care"),
    # monitors: office ranges only
    ("Dell", r"^[PUE]\d{4}[A-Z]* Monitor$", "monitor", "staff"),
    ("Lenovo", r"^(ThinkVision )?[TLPE]\d{2}[a-z]?-\d{2}", "monitor", "staff"),
    ("HP", r"^[EPZ]2\d[a-z]* G\d", "monitor", "staff"),
    # phones and tablets
    ("Apple", r"^iPhone (SE|\d{1,2})\b(?!.*Pro)(?!.*Plus).*(64GB|128GB)", "smartphone", "staff"),
    ("Samsung", r"^Galaxy (A12|S20 FE)", "smartphone", "staff"),
    ("Fairphone", r"^Fairphone [34]$", "smartphone", "staff"),
    ("Apple", r"^iPad \((9th|10th) generation\) with", "tablet", "pupil"),
    ("Apple", r"^iPad Air", "tablet", "staff"),
    ("Microsoft", r"^Surface (Pro [78]|Go [23])$", "tablet", "staff"),
    ("Samsung", r"^Galaxy Tab Active Pro", "tablet", "care"),
    # printers, servers
    ("Lexmark", r".", "printer", "staff"),
    ("Dell", r"^PowerEdge R\d{3,4}$", "server", "infra"),
    ("Lenovo", r"^ThinkSystem SR6\d5$", "server", "infra"),
    ("HP", r"^ProLiant DL3[68]\d Gen10", "server", "infra"),
)
_COMPILED = tuple((m, re.compile(p), c, s) for m, p, c, s in _RULES)
_PCF_CATEGORIES = {
    "Laptop": "laptop",
    "Desktop": "desktop",
    "Monitor": "monitor",
    "Smartphone": "smartphone",
    "Tablet": "tablet",
    "Thin Client": "thin_client",
    "Thin client": "thin_client",
    "Printer": "printer",
    "Server": "server",
}


def classify(row: dict[str, str]) -> tuple[str, str] | None:
    """(category, segment) of a PCF row the demo uses, or ``None`` to leave it out."""
    pcf_category = _PCF_CATEGORIES.get(row["subcategory"].strip())
    if pcf_category is None:
        return None
    for manufacturer, pattern, category, segment in _COMPILED:
        if manufacturer not in ("*", row["manufacturer"]):
            continue
        if not pattern.search(row["name"]):
            continue
        # The rule's category refines the sheet's (desktop -> all-in-one); a rule never moves
        # a model between unrelated categories (e.g. a "Chromebook" filed under Desktop).
        related = {pcf_category, "all_in_one"} if pcf_category == "desktop" else {pcf_category}
        return (category, segment) if category in related else None
    return None


def clean_name(name: str) -> str:
    """Undo the data set's footnote digits glued to HPE server names ("...Gen10 server4")."""
    return re.sub(r"\s*server4$|(?<=Plus)4$", "", name.strip())


def read_pcf_models(path: Path) -> list[ModelSpec]:
    """The demo-worthy models of the PCF file, first sheet per (manufacturer, name)."""
    models: dict[tuple[str, str], ModelSpec] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            kind = classify(row)
            year = sheet_year(row)
            if kind is None or year is None:
                continue
            spec = ModelSpec(
                manufacturer=row["manufacturer"].strip(),
                name=clean_name(row["name"]),
                category=kind[0],
                segment=kind[1],
                year=year,
                energy_kwh_per_year=_decimal(row.get("yearly_tec", ""), "0.01"),
                screen_size_inch=_decimal(row.get("screen_size", ""), "0.1"),
                notes=f"Namn och energidata från tillverkarens PCF-blad ({row['report_date']}).",
                from_sheet=True,
            )
            if spec.screen_size_inch is not None and spec.screen_size_inch >= 100:
                spec.screen_size_inch = None
            models.setdefault(spec.key, spec)
    return list(models.values())


# --- models the data set does not have ----------------------------------------------------

# (manufacturer, name, category, segment, year, screen size)
SUPPLEMENT: tuple[tuple[str, str, str, str, int, float | None], ...] = (
    # newer than the data set
    ("Dell", "Latitude 5440", "laptop", "staff", 2023, 14.0),
    ("Dell", "Latitude 5450", "laptop", "staff", 2024, 14.0),
    ("Dell", "Latitude 5455", "laptop", "staff", 2025, 14.0),
    ("Lenovo", "ThinkPad T14 Gen 4", "laptop", "staff", 2023, 14.0),
    ("Lenovo", "ThinkPad T14 Gen 5", "laptop", "staff", 2024, 14.0),
    ("Lenovo", "ThinkPad L14 Gen 5", "laptop", "staff", 2025, 14.0),
    ("HP", "EliteBook 840 G10", "laptop", "staff", 2023, 14.0),
    ("HP", "EliteBook 840 G11", "laptop", "staff", 2024, 14.0),
    ("Apple", "MacBook Air 13-inch (M3, 2024)", "laptop", "staff", 2024, 13.6),
    ("Lenovo", "300e Yoga Chromebook Gen 4", "laptop", "pupil", 2023, 11.6),
    ("Dell", "Chromebook 3110", "laptop", "pupil", 2022, 11.6),
    ("HP", "Fortis 14 G11 Chromebook", "laptop", "pupil", 2024, 14.0),
    ("Dell", "OptiPlex 7010 Micro", "desktop", "staff", 2023, None),
    ("Lenovo", "ThinkCentre M70q Gen 4", "desktop", "staff", 2023, None),
    ("Dell", "P2425H Monitor", "monitor", "staff", 2024, 23.8),
    ("Dell", "P2723DE Monitor", "monitor", "staff", 2022, 27.0),
    ("Lenovo", "ThinkVision T24i-30", "monitor", "staff", 2023, 23.8),
    ("HP", "E24 G5 FHD Monitor", "monitor", "staff", 2023, 23.8),
    ("Apple", "iPhone 15 128GB", "smartphone", "staff", 2023, 6.1),
    ("Apple", "iPhone 16 128GB", "smartphone", "staff", 2024, 6.1),
    ("Apple", "iPhone 16e 128GB", "smartphone", "staff", 2025, 6.1),
    ("Samsung", "Galaxy A54 5G", "smartphone", "staff", 2023, 6.4),
    ("Samsung", "Galaxy A55 5G", "smartphone", "staff", 2024, 6.6),
    ("Fairphone", "Fairphone 5", "smartphone", "staff", 2023, 6.46),
    ("Samsung", "Galaxy Tab Active4 Pro", "tablet", "care", 2022, 10.1),
    ("Samsung", "Galaxy Tab Active5", "tablet", "care", 2024, 8.0),
    ("Apple", "iPad (A16)", "tablet", "pupil", 2025, 11.0),
    ("Dell", "PowerEdge R660", "server", "infra", 2023, None),
    ("Dell", "PowerEdge R760", "server", "infra", 2023, None),
    ("HP", "ProLiant DL380 Gen11", "server", "infra", 2023, None),
    # older than the data set
    ("Apple", "iPad Air 2", "tablet", "pupil", 2014, 9.7),
    ("Apple", "iPad (5th generation)", "tablet", "pupil", 2017, 9.7),
    ("Apple", "iPad (6th generation)", "tablet", "pupil", 2018, 9.7),
    ("Apple", "iPad (7th generation)", "tablet", "pupil", 2019, 10.2),
    ("Apple", "iPad (8th generation)", "tablet", "pupil", 2020, 10.2),
    ("Apple", "iPhone 6 16GB", "smartphone", "staff", 2014, 4.7),
    ("Apple", "iPhone 6s 32GB", "smartphone", "staff", 2015, 4.7),
    ("Apple", "iPhone 7 32GB", "smartphone", "staff", 2016, 4.7),
    ("Samsung", "Galaxy Xcover 4", "smartphone", "staff", 2017, 5.0),
    ("Samsung", "Galaxy Tab Active2", "tablet", "care", 2017, 8.0),
    ("Microsoft", "Surface Pro 4", "tablet", "staff", 2015, 12.3),
    ("Microsoft", "Surface Go", "tablet", "staff", 2018, 10.0),
    ("Apple", "iPad Pro 10.5-inch", "tablet", "staff", 2017, 10.5),
    ("Dell", "Wyse 5070 Thin Client", "thin_client", "care", 2018, None),
    ("HP", "EliteBook 840 G1", "laptop", "staff", 2014, 14.0),
    ("HP", "EliteBook 840 G3", "laptop", "staff", 2016, 14.0),
    ("HP", "EliteDesk 800 G1 SFF", "desktop", "staff", 2014, None),
    ("HP", "EliteDisplay E232", "monitor", "staff", 2015, 23.0),
    ("Dell", "PowerEdge R620", "server", "infra", 2014, None),
    ("Dell", "PowerEdge R720", "server", "infra", 2014, None),
    # categories the data set lacks
    ("HP", "LaserJet Enterprise M507", "printer", "staff", 2019, None),
    ("HP", "LaserJet Enterprise M506", "printer", "staff", 2015, None),
    ("HP", "Color LaserJet Enterprise MFP M577", "printer", "staff", 2016, None),
    ("Ricoh", "MP C3004", "printer", "staff", 2015, None),
    ("Ricoh", "IM C3000", "printer", "staff", 2019, None),
    ("Ricoh", "IM C3010", "printer", "staff", 2023, None),
    ("Konica Minolta", "bizhub C300i", "printer", "staff", 2019, None),
    ("Cisco", "Catalyst 2960-X", "network_switch", "infra", 2014, None),
    ("Cisco", "Catalyst 9200", "network_switch", "infra", 2018, None),
    ("Cisco", "Catalyst 9300", "network_switch", "infra", 2018, None),
    ("HPE Aruba", "Aruba 2930F", "network_switch", "infra", 2016, None),
    ("HPE Aruba", "Aruba CX 6100", "network_switch", "infra", 2021, None),
    ("HPE Aruba", "AP-225", "access_point", "infra", 2014, None),
    ("HPE Aruba", "AP-325", "access_point", "infra", 2016, None),
    ("HPE Aruba", "AP-515", "access_point", "infra", 2019, None),
    ("HPE Aruba", "AP-635", "access_point", "infra", 2022, None),
    ("Fortinet", "FortiGate 200E", "router_firewall", "infra", 2016, None),
    ("Fortinet", "FortiGate 100F", "router_firewall", "infra", 2019, None),
    ("Fortinet", "FortiGate 400F", "router_firewall", "infra", 2022, None),
    ("Cisco", "ISR 4331", "router_firewall", "infra", 2014, None),
    ("NetApp", "FAS2650", "storage", "infra", 2016, None),
    ("NetApp", "AFF A250", "storage", "infra", 2020, None),
    ("Dell", "PowerStore 500T", "storage", "infra", 2022, None),
    ("HPE", "3PAR StoreServ 8200", "storage", "infra", 2014, None),
    ("Dell", "WD15", "docking_station", "staff", 2015, None),
    ("Dell", "WD19", "docking_station", "staff", 2019, None),
    ("Dell", "WD19S", "docking_station", "staff", 2020, None),
    ("Dell", "WD22TB4", "docking_station", "staff", 2022, None),
    ("Lenovo", "ThinkPad USB-C Dock Gen 2", "docking_station", "staff", 2019, None),
    ("HP", "USB-C Dock G5", "docking_station", "staff", 2019, None),
    ("Epson", "EB-536Wi", "projector", "staff", 2015, None),
    ("Epson", "EB-695Wi", "projector", "staff", 2018, None),
    ("Epson", "EB-W49", "projector", "staff", 2019, None),
    ("Epson", "EB-L210W", "projector", "staff", 2022, None),
    ("BenQ", "MW560", "projector", "staff", 2018, None),
)


def supplement_models() -> list[ModelSpec]:
    return [
        ModelSpec(
            manufacturer=manufacturer,
            name=name,
            category=category,
            segment=segment,
            year=year,
            screen_size_inch=None
            if screen is None
            else Decimal(str(screen)).quantize(Decimal("0.1")),
            notes="Demo: modellnamn utan energidata från tillverkaren.",
        )
        for manufacturer, name, category, segment, year, screen in SUPPLEMENT
    ]


# --- labels -------------------------------------------------------------------------------

LABELLED_BRANDS = {"Dell", "Lenovo", "HP"}
TCO_CATEGORIES = {"laptop", "desktop", "all_in_one", "monitor", "tablet", "smartphone", "projector"}
EPEAT_CATEGORIES = {"laptop", "desktop", "all_in_one", "monitor", "thin_client", "smartphone"}
ENERGY_STAR_CATEGORIES = {
    "laptop",
    "desktop",
    "all_in_one",
    "thin_client",
    "monitor",
    "printer",
    "server",
}


def tco_generation(year: int) -> int | None:
    """TCO Certified's common generations: 8 from December 2018, 9 from 2021, 10 from 2024."""
    if year >= 2025:
        return 10
    if year >= 2022:
        return 9
    if year >= 2019:
        return 8
    return None


def energy_star_version(category: str, year: int) -> str:
    if category == "monitor":
        return "Displays 8.0" if year >= 2019 else "Displays 7.0"
    if category == "printer":
        return "Imaging Equipment 3.0" if year >= 2019 else "Imaging Equipment 2.0"
    if category == "server":
        return "Enterprise Servers 3.0" if year >= 2019 else "Enterprise Servers 2.1"
    if year >= 2021:
        return "Computers 8.0"
    return "Computers 7.1" if year >= 2018 else "Computers 6.1"


def _start(rng: random.Random, year: int) -> dt.date:
    return dt.date(year, rng.randint(1, 11), 1)


def assign_labels(models: list[ModelSpec], rng: random.Random) -> None:
    """Give models plausible labels: most business models from 2019 on are TCO Certified.

    Probabilities follow what a procurement officer sees in practice: the big PC brands
    certify most business lines, Fairphone certifies its phones, Apple uses EPEAT and
    ENERGY STAR but not TCO Certified.
    """
    for spec in models:
        business = spec.manufacturer in LABELLED_BRANDS
        generation = tco_generation(spec.year)
        tco_odds = 0.0
        if spec.category in TCO_CATEGORIES and generation is not None:
            if spec.manufacturer == "Fairphone":
                tco_odds = 1.0
            elif business:
                tco_odds = 0.85 if spec.segment in {"staff", "pupil", "cad"} else 0.5
            elif spec.manufacturer in {"Samsung", "Epson", "Microsoft"}:
                tco_odds = 0.4
        if rng.random() < tco_odds:
            start = _start(rng, spec.year)
            spec.labels.append(
                LabelSpec(
                    "tco_certified",
                    f"Generation {generation}",
                    start,
                    start.replace(year=start.year + 3),
                )
            )
        if spec.category in EPEAT_CATEGORIES and spec.year >= 2015:
            odds = 0.75 if business or spec.manufacturer == "Apple" else 0.3
            if rng.random() < odds:
                start = _start(rng, spec.year)
                tier = "Gold" if rng.random() < (0.7 if spec.year >= 2019 else 0.45) else "Silver"
                spec.labels.append(
                    LabelSpec("epeat", tier, start, start.replace(year=start.year + 4))
                )
        if spec.category in ENERGY_STAR_CATEGORIES and rng.random() < 0.8:
            spec.labels.append(
                LabelSpec(
                    "energy_star",
                    energy_star_version(spec.category, spec.year),
                    _start(rng, spec.year),
                    None,
                )
            )


# --- the catalogue as a whole -------------------------------------------------------------


@dataclass
class Catalogue:
    """All demo models, indexed for the generator: by (category, segment), sorted by year."""

    models: list[ModelSpec]
    by_kind: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    by_key: dict[tuple[str, str], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for index, spec in enumerate(self.models):
            self.by_kind.setdefault((spec.category, spec.segment), []).append(index)
            self.by_key[spec.key] = index

    def candidates(self, category: str, segment: str, year: int) -> list[int]:
        """Models of a kind on sale in ``year``; if none, those of the nearest year."""
        pool = self.by_kind.get((category, segment)) or [
            i for (cat, _seg), ids in self.by_kind.items() if cat == category for i in ids
        ]
        if not pool:
            raise LookupError(f"no demo model for {category}/{segment}")
        on_sale = [i for i in pool if self.models[i].sold_in(year)]
        if on_sale:
            return on_sale
        nearest = min(abs(self.models[i].year - year) for i in pool)
        return [i for i in pool if abs(self.models[i].year - year) == nearest]


def build_catalogue(seed: int, pcf_path: Path | None = None) -> Catalogue:
    """Read the PCF data set, add the supplement, give labels; deterministic for a seed."""
    models = read_pcf_models(pcf_path or find_pcf_file())
    known = {spec.key for spec in models}
    models.extend(spec for spec in supplement_models() if spec.key not in known)
    models.sort(key=lambda spec: (spec.category, spec.manufacturer, spec.name))
    assign_labels(models, random.Random(f"labels-{seed}"))
    return Catalogue(models)
