"""The asset import's columns: automatic column mapping and default value maps.

Given a file's headers, :func:`suggest_mapping` says which column feeds which canonical
asset field and which system the file most likely came from (our own export, Snipe-IT,
GLPI or Microsoft Intune). The app shows the suggestion, lets the user correct it, and can
save it under a name with :meth:`ColumnMapping.to_dict` / :meth:`ColumnMapping.from_dict`.

Matching is by :func:`normalise_header`, so case, punctuation and ``_`` vs space do not
matter. When two columns would feed the same field, the better-known alias wins (the order
of the aliases below), and between equally good ones the first column wins; the losers are
left unmapped and listed in ``ColumnMapping.conflicts`` so the user can see them.

:data:`CATEGORY_MAP` and :data:`STATUS_MAP` are *defaults* the app may extend; they map
other systems' names to our taxonomy (:mod:`kretslopp.footprint.taxonomy`) and lifecycle
(:mod:`kretslopp.inventory.lifecycle`) codes. Where a source name does not say
what happened to a device (Snipe-IT's "Archived"), there is deliberately no default: the
user decides, because a wrong end-of-life status would overstate what the city achieved.

Plain Python like the generic reader it builds on (:mod:`kretslopp.tabular.mapping`), which
knows nothing of assets.
"""

from __future__ import annotations

from collections.abc import Mapping

from kretslopp.footprint import taxonomy
from kretslopp.inventory import lifecycle
from kretslopp.tabular.mapping import ColumnMapping, lookup, value_map
from kretslopp.tabular.values import normalise_header

ASSET_FIELDS: tuple[str, ...] = (
    "asset_tag", "serial_number", "manufacturer", "model_name", "model_number", "category",
    "department", "cost_centre", "location", "assignee", "purchase_date", "delivery_date",
    "in_use_date",
    "purchase_price_sek", "supplier", "order_number", "warranty_end", "planned_end_of_life",
    "has_storage", "status", "notes",
)  # fmt: skip
#: Fields some sources carry that the asset import may use but that are not asset columns.
EXTRA_FIELDS: tuple[str, ...] = ("warranty_months", "device_name", "operating_system", "ownership")

_FIELD_SET = frozenset(ASSET_FIELDS + EXTRA_FIELDS)

PROFILES: tuple[str, ...] = ("kretslopp", "snipeit", "glpi", "intune", "unknown")

#: Our taxonomy's and lifecycle's codes, from their one definition each.
CATEGORY_CODES: tuple[str, ...] = taxonomy.CATEGORY_CODES
STATUS_CODES: tuple[str, ...] = lifecycle.STATUSES

# Our own export: field names and the English and Swedish labels of the app.
_KRETSLOPP: dict[str, tuple[str, ...]] = {
    "asset_tag": ("Asset tag", "Inventarienummer"),
    "serial_number": ("Serial number", "Serienummer"),
    "manufacturer": ("Manufacturer", "Tillverkare"),
    "model_name": ("Model", "Modell", "Model name", "Modellnamn"),
    "model_number": ("Model number", "Modellnummer"),
    "category": ("Category", "Kategori"),
    "department": ("Department", "Förvaltning"),
    "cost_centre": ("Cost centre", "Kostnadsställe", "Cost center"),
    "location": ("Location", "Plats"),
    "assignee": ("Assignee", "Användare"),
    "purchase_date": ("Purchase date", "Inköpsdatum"),
    "delivery_date": ("Delivery date", "Leveransdatum"),
    "in_use_date": ("In use date", "In use since", "I bruk sedan", "Driftsättningsdatum"),
    "purchase_price_sek": ("Purchase price (SEK)", "Inköpspris (kr)", "Inköpspris (SEK)"),
    "supplier": ("Supplier", "Leverantör"),
    "order_number": ("Order number", "Ordernummer"),
    "warranty_end": ("Warranty end", "Garanti till", "Garantins slut"),
    "planned_end_of_life": ("Planned end of life", "Planerat livsslut", "Planerat slut"),
    "has_storage": ("Has storage", "Har lagring", "Lagringsmedia"),
    "status": ("Status",),
    "notes": ("Notes", "Anteckningar"),
}
_SNIPEIT: dict[str, tuple[str, ...]] = {
    "asset_tag": ("Asset Tag", "Tillgångstagg"),
    "serial_number": ("Serial", "Serial number", "Serienummer"),
    "model_name": ("Model Name", "Model", "Modellnamn", "Modell"),
    "model_number": ("Model No.", "Model Number", "Modellnummer", "Modellnr"),
    "category": ("Category", "Kategori"),
    "manufacturer": ("Manufacturer", "Tillverkare"),
    "location": ("Location", "Plats", "Default Location", "Standardplats"),
    "purchase_date": ("Purchase Date", "Purchased", "Inköpsdatum"),
    "purchase_price_sek": ("Purchase Cost", "Cost", "Inköpspris", "Kostnad"),
    "department": ("Company", "Företag"),
    "supplier": ("Supplier", "Leverantör"),
    "order_number": ("Order Number", "Ordernummer"),
    "status": ("Status",),
    "warranty_months": ("Warranty", "Warranty Months", "Garanti", "Garantimånader"),
    "warranty_end": ("Warranty Expires", "Garanti upphör"),
    "planned_end_of_life": ("EOL Date", "EOL", "Slutdatum"),
    "assignee": ("Checked Out To", "Utcheckad till", "Username", "Användarnamn", "Full Name"),
    "notes": ("Notes", "Anteckningar"),
    "device_name": ("Asset Name", "Item Name", "Name", "Tillgångsnamn", "Namn"),
}
_GLPI: dict[str, tuple[str, ...]] = {
    "device_name": ("Name", "Namn"),
    "serial_number": ("Serial number", "Serienummer"),
    "asset_tag": ("Inventory number", "Inventarienummer"),
    "manufacturer": ("Manufacturer", "Tillverkare"),
    "model_name": ("Model", "Modell"),
    "category": ("Type", "Typ"),
    "department": ("Entity", "Enhet"),
    "location": ("Location", "Plats"),
    "status": ("Status",),
    "assignee": ("User", "Användare"),
    "operating_system": ("Operating system - Name", "Operating system", "Operativsystem"),
    "supplier": ("Supplier", "Leverantör"),
    "notes": ("Comments", "Kommentarer"),
}
_INTUNE: dict[str, tuple[str, ...]] = {
    "device_name": ("Device name",),
    "serial_number": ("Serial number",),
    "manufacturer": ("Manufacturer",),
    "model_name": ("Model",),
    "assignee": ("Primary user UPN", "Primary user email address"),
    "in_use_date": ("Enrollment date", "Enrolled date"),
    "operating_system": ("OS",),
    "ownership": ("Ownership",),
    "category": ("Category",),
    # A device export joined with its Entra ID group, the municipality's department.
    "department": ("Group", "Group name", "Device group"),
}
_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "kretslopp": _KRETSLOPP,
    "snipeit": _SNIPEIT,
    "glpi": _GLPI,
    "intune": _INTUNE,
}
# Headers that only one system writes: they decide which profile a file has. Shared ones
# such as "Serial number" or "Status" say nothing.
_SIGNATURES: dict[str, frozenset[str]] = {
    profile: frozenset(normalise_header(name) for name in names)
    for profile, names in {
        "kretslopp": ("Purchase price (SEK)", "Inköpspris (kr)", "Förvaltning", "Department",
                      "Inventarienummer", "Planned end of life", "Planerat livsslut",
                      "Has storage", "In use since", "I bruk sedan", "Delivery date",
                      "Leveransdatum", "Warranty end", "Garanti till"),
        "snipeit": ("Asset Tag", "Tillgångstagg", "Model No.", "Checked Out To",
                    "Utcheckad till", "Purchase Cost", "Company", "Företag", "EOL Date",
                    "Asset Name", "Item Name", "Warranty Expires"),
        "glpi": ("Inventory number", "Entity", "Operating system - Name", "Type"),
        "intune": ("Device name", "Primary user UPN", "Enrollment date", "Enrolled date",
                   "OS", "Ownership", "Device ID", "Last check-in", "Managed by"),
    }.items()
}  # fmt: skip

#: Default status for profiles whose files have no status column.
PROFILE_DEFAULTS: dict[str, dict[str, str]] = {"intune": {"status": "in_use"}}


def detect_profile(headers: list[str]) -> str:
    """The source system whose distinctive headers the file has most of, or 'unknown'."""
    keys = {normalise_header(name) for name in headers}
    scores = {profile: len(keys & signature) for profile, signature in _SIGNATURES.items()}
    # Our own export writes the field names themselves, underscores and all.
    scores["kretslopp"] += sum(1 for name in headers if "_" in name and name.strip() in _FIELD_SET)
    best = max(scores, key=lambda profile: scores[profile])
    return best if scores[best] >= 2 else "unknown"


def _alias_table(profile: str) -> dict[str, tuple[str, int]]:
    """normalised header → (field, rank); the recognised profile first, then the others."""
    table: dict[str, tuple[str, int]] = {}
    order = [profile] + [p for p in _ALIASES if p != profile]
    for source_rank, source in enumerate(order):
        if source not in _ALIASES:
            continue
        for field_name, names in _ALIASES[source].items():
            for alias_rank, name in enumerate(names):
                key = normalise_header(name)
                table.setdefault(key, (field_name, source_rank * 100 + alias_rank))
    for field_name in (*ASSET_FIELDS, *EXTRA_FIELDS):
        table.setdefault(normalise_header(field_name), (field_name, -1))
    return table


def suggest_mapping(headers: list[str]) -> ColumnMapping:
    """Suggest a mapping from known header sets; unknown headers stay unmapped."""
    profile = detect_profile(headers)
    aliases = _alias_table(profile)
    candidates: dict[str, list[tuple[int, int]]] = {}
    for position, header in enumerate(headers):
        match = aliases.get(normalise_header(header))
        if match is not None:
            field_name, rank = match
            candidates.setdefault(field_name, []).append((rank, position))
    fields: dict[int, str] = {}
    conflicts: list[int] = []
    for field_name, options in candidates.items():
        options.sort()
        fields[options[0][1]] = field_name
        conflicts.extend(position for _, position in options[1:])
    return ColumnMapping(
        headers=list(headers),
        fields=dict(sorted(fields.items())),
        profile=profile,
        conflicts=sorted(conflicts),
        defaults=dict(PROFILE_DEFAULTS.get(profile, {})),
    )


# --- value maps -------------------------------------------------------------------------

_CATEGORY_NAMES: dict[str, tuple[str, ...]] = {
    "laptop": ("Laptop", "Laptops", "Notebook", "Notebooks", "Bärbar dator",
               "Bärbara datorer", "Bärbar", "Portable", "Chromebook", "Ultrabook",
               "Convertible", "2-in-1"),
    "desktop": ("Desktop", "Desktops", "Stationär dator", "Stationära datorer", "Stationär",
                "Workstation", "Arbetsstation", "Tower", "Mini PC", "Desktop computer", "PC"),
    "all_in_one": ("All-in-one", "All in one", "AIO", "Allt-i-ett", "Allt-i-ett-dator"),
    "thin_client": ("Thin client", "Thin clients", "Tunn klient", "Tunna klienter"),
    "monitor": ("Monitor", "Monitors", "Bildskärm", "Bildskärmar", "Skärm", "Skärmar",
                "Display", "Displays", "Screen"),
    "smartphone": ("Smartphone", "Smartphones", "Mobile phone", "Mobile phones",
                   "Mobile Phones", "Mobiltelefon", "Mobiltelefoner", "Mobil", "Mobiler",
                   "Cell phone", "iPhone"),
    "tablet": ("Tablet", "Tablets", "Surfplatta", "Surfplattor", "Läsplatta", "iPad", "iPads"),
    "printer": ("Printer", "Printers", "Skrivare", "Multifunction printer", "MFP",
                "Multifunktionsskrivare", "Kopiator"),
    "server": ("Server", "Servers", "Servrar"),
    "network_switch": ("Switch", "Switches", "Switchar", "Network switch", "Nätverksswitch"),
    "router_firewall": ("Router", "Routers", "Routrar", "Firewall", "Firewalls", "Brandvägg",
                        "Brandväggar"),
    "access_point": ("Access point", "Access points", "Accesspunkt", "Accesspunkter",
                     "Wireless access point", "Trådlös accesspunkt", "WLAN AP"),
    "storage": ("Storage", "Storage array", "SAN", "NAS", "Lagring", "Lagringssystem"),
    "docking_station": ("Docking station", "Docking stations", "Dock", "Dockningsstation",
                        "Dockningsstationer", "Docka", "Port replicator"),
    "projector": ("Projector", "Projectors", "Projektor", "Projektorer", "Videoprojektor",
                  "Beamer"),
    "other": ("Other", "Övrigt", "Annat", "Accessories", "Tillbehör"),
}  # fmt: skip

_STATUS_NAMES: dict[str, tuple[str, ...]] = {
    # our own labels, Snipe-IT's defaults (English, Swedish), GLPI's usual states
    "ordered": ("Ordered", "Beställd", "On order"),
    # Snipe-IT "Pending": not deployable yet (set-up, repair) but held by IT → in stock.
    "in_stock": ("In stock", "I lager", "Ready to Deploy", "Redo att distribueras",
                 "Klar att distribuera", "Pending", "Väntande", "Available", "Tillgänglig",
                 "Out for Repair", "På reparation", "Lager"),
    "in_use": ("In use", "I bruk", "Används", "Deployed", "Utcheckad", "Utdelad",
               "Production", "Produktion", "Active", "Aktiv", "En service"),
    # Snipe-IT "Broken": back with IT, out of use, awaiting a decision → returned.
    "returned": ("Returned", "Återlämnad", "Inlämnad", "Broken", "Trasig"),
    "with_partner": ("With partner", "Hos partner"),
    "erased": ("Erased", "Raderad", "Wiped"),
    "graded": ("Graded", "Graderad"),
    "resold": ("Resold", "Sold", "Såld", "Vidaresåld"),
    "donated": ("Donated", "Donerad", "Skänkt"),
    "recycled": ("Recycled", "Återvunnen", "Materialåtervunnen"),
    "destroyed": ("Destroyed", "Förstörd", "Destruerad"),
    "lost": ("Lost", "Förlorad", "Borttappad", "Lost/Stolen", "Förlorad/Stulen", "Missing"),
    "stolen": ("Stolen", "Stulen"),
}  # fmt: skip


#: normalised source category name → category code (defaults; the app may extend them)
CATEGORY_MAP: dict[str, str] = value_map(_CATEGORY_NAMES)
#: normalised source status name → lifecycle status code (defaults; the app may extend them)
STATUS_MAP: dict[str, str] = value_map(_STATUS_NAMES)


def map_category(text: str, overrides: Mapping[str, str] | None = None) -> str | None:
    """A source category name → our category code, or ``None`` if unknown.

    ``overrides`` (source name → code, e.g. saved by the app) take precedence.
    """
    return lookup(text, CATEGORY_MAP, overrides)


def map_status(text: str, overrides: Mapping[str, str] | None = None) -> str | None:
    """A source status name → our lifecycle status code, or ``None`` if unknown.

    Snipe-IT status labels may carry the type in brackets ("Ready to Deploy (Deployable)");
    the bracketed part is ignored when the full text is not known.
    """
    found = lookup(text, STATUS_MAP, overrides)
    if found is None and "(" in text:
        found = lookup(text.split("(", 1)[0], STATUS_MAP, overrides)
    return found
