"""The demo municipality: Malmö's real departments with invented places and cost centres.

Department names, codes and staff numbers follow the City of Malmö so that figures per
employee look like the real ones (26,000 employees in all). Places carry the names of real
schools and offices because a coordinator recognises them, but the street addresses are
generic: the demo must never look like an authoritative address register.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

ORGANISATION_NAME = "Malmö stad (demo)"
ORGANISATION_NUMBER = "212000-1124"
COUNTRY = "SWE"
EMPLOYEES = 26_000
EMAIL_DOMAIN = "demo.malmo.invalid"


@dataclass(frozen=True)
class DepartmentSpec:
    """One förvaltning: its code, name, staff, places and cost centres."""

    code: str
    name: str
    employees: int
    locations: tuple[tuple[str, str], ...]  # (name, address)
    cost_centres: tuple[str, ...]
    schools: tuple[str, ...] = ()  # location names where pupils' devices live


DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec(
        "FSF",
        "Förskoleförvaltningen",
        4600,
        (
            ("Förskoleförvaltningen, Kronprinsen", "Regementsgatan 1, 217 51 Malmö"),
            ("Förskolan Solrosen", "Solrosgatan 4, 212 20 Malmö"),
            ("Förskolan Humlan", "Humlegatan 12, 214 40 Malmö"),
            ("Förskolan Ekorren", "Ekgatan 8, 216 10 Malmö"),
        ),
        ("Förvaltningsledning", "Förskoleområde Norr", "Förskoleområde Söder"),
        schools=("Förskolan Solrosen", "Förskolan Humlan", "Förskolan Ekorren"),
    ),
    DepartmentSpec(
        "GRF",
        "Grundskoleförvaltningen",
        6500,
        (
            ("Grundskoleförvaltningen, Kronprinsen", "Regementsgatan 3, 217 51 Malmö"),
            ("Rosengårdsskolan", "Skolgatan 10, 213 60 Malmö"),
            ("Värner Rydénskolan", "Skolvägen 2, 213 61 Malmö"),
            ("Möllevångsskolan", "Skolgången 5, 214 20 Malmö"),
            ("Kroksbäcksskolan", "Skolstigen 7, 215 70 Malmö"),
            ("Bergaskolan", "Skolallén 3, 216 20 Malmö"),
        ),
        ("Förvaltningsledning", "Skolområde 1", "Skolområde 2", "Skolområde 3"),
        schools=(
            "Rosengårdsskolan",
            "Värner Rydénskolan",
            "Möllevångsskolan",
            "Kroksbäcksskolan",
            "Bergaskolan",
        ),
    ),
    DepartmentSpec(
        "GYVF",
        "Gymnasie- och vuxenutbildningsförvaltningen",
        2100,
        (
            (
                "Gymnasie- och vuxenutbildningsförvaltningen, Kronprinsen",
                "Regementsgatan 5, 217 51 Malmö",
            ),
            ("Malmö Latinskola", "Läroverksgatan 1, 211 22 Malmö"),
            ("Pauliskolan", "Läroverksgatan 9, 211 23 Malmö"),
            ("Malmö Borgarskola", "Gymnasiegatan 4, 214 30 Malmö"),
            ("Komvux Malmö Södervärn", "Vuxengatan 2, 214 27 Malmö"),
        ),
        ("Förvaltningsledning", "Gymnasieskolor", "Vuxenutbildning"),
        schools=("Malmö Latinskola", "Pauliskolan", "Malmö Borgarskola"),
    ),
    DepartmentSpec(
        "HVOF",
        "Hälsa-, vård- och omsorgsförvaltningen",
        4100,
        (
            (
                "Hälsa-, vård- och omsorgsförvaltningen, förvaltningskontor",
                "Omsorgsgatan 1, 205 80 Malmö",
            ),
            ("Hemtjänst Centrum", "Omsorgsgatan 14, 211 40 Malmö"),
            ("Hemtjänst Limhamn", "Vårdvägen 6, 216 12 Malmö"),
            ("Vård- och omsorgsboendet Rönnen", "Rönngatan 3, 217 60 Malmö"),
        ),
        ("Förvaltningsledning", "Hemtjänst", "Vård- och omsorgsboenden", "Hälso- och sjukvård"),
    ),
    DepartmentSpec(
        "FUNK",
        "Funktionsstödsförvaltningen",
        2800,
        (
            ("Funktionsstödsförvaltningen, förvaltningskontor", "Stödgatan 2, 205 80 Malmö"),
            ("Daglig verksamhet Hyllie", "Stödvägen 11, 215 32 Malmö"),
            ("LSS-boende Oxie", "Stödstigen 4, 238 40 Oxie"),
        ),
        ("Förvaltningsledning", "Boenden", "Daglig verksamhet"),
    ),
    DepartmentSpec(
        "ASF",
        "Arbetsmarknads- och socialförvaltningen",
        1900,
        (
            (
                "Arbetsmarknads- och socialförvaltningen, förvaltningskontor",
                "Socialgatan 1, 205 80 Malmö",
            ),
            ("Jobbcenter Malmö", "Arbetsgatan 7, 211 20 Malmö"),
            ("Socialtjänsten Innerstaden", "Socialgatan 20, 211 42 Malmö"),
        ),
        ("Förvaltningsledning", "Arbetsmarknad", "Socialtjänst"),
    ),
    DepartmentSpec(
        "SK",
        "Stadskontoret",
        650,
        (("Stadshuset", "Stadshusplatsen 1, 205 80 Malmö"),),
        ("Stadsdirektörens stab", "Digitalisering", "Ekonomi"),
    ),
    DepartmentSpec(
        "KF",
        "Kulturförvaltningen",
        550,
        (
            ("Malmö stadsbibliotek", "Bibliotekstorget 1, 211 43 Malmö"),
            ("Malmö Museer", "Museigatan 2, 211 19 Malmö"),
        ),
        ("Förvaltningsledning", "Bibliotek", "Museer"),
    ),
    DepartmentSpec(
        "FRI",
        "Fritidsförvaltningen",
        450,
        (
            ("Fritidsförvaltningen, förvaltningskontor", "Fritidsgatan 1, 211 52 Malmö"),
            ("Kirsebergs fritidsgård", "Fritidsvägen 8, 212 36 Malmö"),
        ),
        ("Förvaltningsledning", "Idrott", "Fritidsgårdar"),
    ),
    DepartmentSpec(
        "MF",
        "Miljöförvaltningen",
        230,
        (("Miljöförvaltningen, förvaltningskontor", "Miljögatan 3, 214 21 Malmö"),),
        ("Förvaltningsledning", "Miljötillsyn", "Miljöstrategi"),
    ),
    DepartmentSpec(
        "FGK",
        "Fastighets- och gatukontoret",
        850,
        (
            (
                "Fastighets- och gatukontoret, förvaltningskontor",
                "Gatukontorsgatan 1, 205 80 Malmö",
            ),
            ("Driftdepå Sege", "Depåvägen 5, 212 41 Malmö"),
        ),
        ("Förvaltningsledning", "Fastighet", "Gata och park"),
    ),
    DepartmentSpec(
        "SBK",
        "Stadsbyggnadskontoret",
        320,
        (("Stadsbyggnadskontoret, förvaltningskontor", "Byggnadsgatan 2, 205 80 Malmö"),),
        ("Förvaltningsledning", "Planering", "Bygglov och lantmäteri"),
    ),
    DepartmentSpec(
        "SF",
        "Serviceförvaltningen",
        930,
        (
            ("Serviceförvaltningen, förvaltningskontor", "Servicegatan 1, 205 80 Malmö"),
            ("Datacenter Malmö stad", "Serverhallsvägen 1, 212 35 Malmö"),
            ("IT-lager och servicedisk", "Lagergatan 4, 212 35 Malmö"),
        ),
        ("Förvaltningsledning", "IT-drift", "Måltidsservice", "Fordon och logistik"),
    ),
    DepartmentSpec(
        "SR",
        "Stadsrevisionen",
        20,
        (("Stadsrevisionen", "Stadshusplatsen 1, 205 80 Malmö (plan 2)"),),
        ("Stadsrevisionen",),
    ),
)

DEPARTMENT_BY_CODE: dict[str, DepartmentSpec] = {spec.code: spec for spec in DEPARTMENTS}

#: Where servers, storage and firewalls stand.
DATA_CENTRE = "Datacenter Malmö stad"


def cost_centre_code(department: DepartmentSpec, index: int) -> str:
    """Cost centres are numbered per department so a coordinator can read them at a glance."""
    return f"{department.code}-{(index + 1) * 100 + 10}"


def person_identifier(number: int) -> str:
    """A pseudonymous user id, as a municipality's directory would give one."""
    return f"anv{number:06d}"


#: Common Swedish given names and surnames. A demo person's name is one of each, drawn at
#: random: invented people, whose names only look like a city's staff (so that searching for
#: an assignee by name can be tried), and are no real person's record.
GIVEN_NAMES = (
    "Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Emma", "Kerstin", "Ingrid", "Malin",
    "Jenny", "Hanna", "Linda", "Elin", "Johanna", "Sofia", "Ida", "Annika", "Fatima", "Amina",
    "Leyla", "Zeynep", "Nour", "Elsa", "Alice", "Maja", "Astrid", "Wilma", "Camilla", "Therese",
    "Erik", "Lars", "Karl", "Anders", "Johan", "Per", "Nils", "Mikael", "Jan", "Hans",
    "Peter", "Olof", "Lennart", "Gunnar", "Sven", "Fredrik", "Daniel", "Magnus", "Ali", "Ahmed",
    "Emir", "Yusuf", "Oscar", "William", "Hugo", "Liam", "Mattias", "Jonas", "Stefan", "Tobias",
)  # fmt: skip
SURNAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
    "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson",
    "Jönsson", "Lindberg", "Jakobsson", "Magnusson", "Olofsson", "Lindström", "Lindqvist",
    "Lindgren", "Berg", "Axelsson", "Bergström", "Lundberg", "Lind", "Lundgren", "Lundqvist",
    "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg", "Sjöberg",
    "Wallin", "Engström", "Eklund", "Danielsson", "Lundin", "Håkansson", "Björk", "Bergman",
    "Gunnarsson", "Holm", "Wikström", "Samuelsson", "Isaksson", "Fransson", "Bergqvist",
    "Nyström", "Holmberg", "Arvidsson", "Löfgren", "Söderberg", "Nyberg", "Blomqvist", "Yilmaz",
    "Hassan", "Ibrahim", "Nguyen", "Kowalski",
)  # fmt: skip


def person_name(rng: random.Random) -> str:
    """An invented name for a demo person (see :data:`GIVEN_NAMES`)."""
    return f"{rng.choice(GIVEN_NAMES)} {rng.choice(SURNAMES)}"


def person_email(identifier: str) -> str:
    """``.invalid`` is reserved (RFC 2606), so no demo mail can ever be delivered."""
    return f"{identifier}@{EMAIL_DOMAIN}"


assert sum(spec.employees for spec in DEPARTMENTS) == EMPLOYEES
