"""The demo city's IT sustainability forum, run with its IT supplier (invented, labelled demo).

Five members (the sustainability lead chairs; the supplier's two representatives are
external, one with a login of their own), eight meetings over two years, and fifteen
measures in every phase: two escalated for budget (the printer fleet approved by the IT
director, the server virtualisation rejected by the executive board), three overdue at the
demo's date, and expected effects on IT energy and pages printed that move those targets'
forecasts. The figures are invented for the demo, sized to the demo city's ledger (about
26 million pages a year) and marked as estimates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from kretslopp.forum import mandate
from kretslopp.forum.models import (
    Decision,
    DecisionLevel,
    Escalation,
    ExpectedEffect,
    Forum,
    ForumMember,
    Measure,
    MeasureParty,
    MeasureTask,
    Meeting,
    Outcome,
    Status,
    StatusUpdate,
    Topic,
)
from kretslopp.organisation.models import Department

FORUM_NAME = "Malmö stads IT-hållbarhetsforum (demo)"
SUPPLIER = "Norrsken IT-drift AB (demo)"
#: The supplier representative's own login: no role, so the forum is all it sees.
EXTERNAL_LOGIN = "leverantor"
MEETING_DAYS = (
    dt.date(2024, 12, 10),
    dt.date(2025, 3, 11),
    dt.date(2025, 6, 10),
    dt.date(2025, 9, 9),
    dt.date(2025, 12, 9),
    dt.date(2026, 3, 10),
    dt.date(2026, 6, 9),
    dt.date(2026, 9, 8),
)
#: Topics the demo forum's mandate excludes.
DEMO_TOPICS = ("Bemanning", "Fastigheter")
KWH = ("it_energy_kwh", "kWh")
PAGES = ("pages_printed", "sidor")


@dataclass(frozen=True)
class Effect:
    kpi: tuple[str, str]
    change_per_year: float
    low: float
    high: float
    effective_from: dt.date
    how: str


@dataclass(frozen=True)
class Spec:
    """One measure of the demo register; ``meeting`` is the index of the deciding meeting."""

    title: str
    department: str
    responsible: str  # a member's key
    status: str
    start: dt.date | None
    due: dt.date
    capex_sek: int = 0
    opex_sek_per_year: int = 0
    topics: tuple[str, ...] = ()
    meeting: int | None = None
    escalation: tuple[str, str, dt.date, str, dt.date] | None = None  # body, ref, on, outcome, on
    effects: tuple[Effect, ...] = ()
    tasks: tuple[tuple[str, str, dt.date, bool], ...] = ()  # title, owner key, due, done
    updates: tuple[tuple[dt.date, str], ...] = ()
    merged_into: int | None = None  # the number of the measure it went into
    description: str = ""
    parties: tuple[tuple[str, str], ...] = field(default=())  # (department code, role)


MEASURES: tuple[Spec, ...] = (
    Spec(
        "Märkta mobiler (TCO Certified) vid alla nyköp",
        "SK",
        "lead",
        Status.DONE,
        dt.date(2025, 1, 7),
        dt.date(2025, 6, 30),
        meeting=0,
        description="Avropen från ramavtalet begränsas till mobiler med TCO Certified.",
        tasks=(("Uppdatera avropsmallen", "supplier", dt.date(2025, 2, 28), True),),
        updates=((dt.date(2025, 6, 12), "Alla nya mobiler är märkta sedan maj."),),
    ),
    Spec(
        "Konsolidering av skrivarflottan",
        "SK",
        "supplier",
        Status.IN_PROGRESS,
        dt.date(2025, 9, 1),
        dt.date(2027, 6, 30),
        capex_sek=420_000,
        opex_sek_per_year=60_000,
        escalation=(
            "IT-direktören",
            "Dnr SK-2025-311",
            dt.date(2025, 3, 20),
            Outcome.APPROVED,
            dt.date(2025, 4, 15),
        ),
        description="Från cirka 650 till 400 skrivare; multifunktionsskrivare per våningsplan.",
        effects=(
            Effect(
                PAGES,
                -1_500_000,
                -2_200_000,
                -800_000,
                dt.date(2026, 1, 1),
                "Två förvaltningars erfarenhet: 6 % färre sidor när skrivaren står längre bort.",
            ),
            Effect(
                KWH,
                -90_000,
                -130_000,
                -50_000,
                dt.date(2026, 1, 1),
                "250 färre skrivare × 360 kWh per år (tomgång och viloläge).",
            ),
        ),
        tasks=(
            ("Inventera skrivare per våningsplan", "supplier", dt.date(2025, 10, 31), True),
            ("Avveckla skrivare i Stadshuset", "supplier", dt.date(2026, 4, 30), True),
            ("Avveckla skrivare i skolorna", "grf", dt.date(2027, 3, 31), False),
        ),
        updates=((dt.date(2026, 5, 20), "Stadshuset klart: 82 skrivare avvecklade."),),
        parties=(("GRF", "Skolornas skrivare"),),
    ),
    Spec(
        "Längre livslängd för bärbara datorer (från fyra till fem år)",
        "SK",
        "lead",
        Status.IN_PROGRESS,
        dt.date(2025, 7, 1),
        dt.date(2027, 12, 31),
        opex_sek_per_year=80_000,
        meeting=2,
        description="Batteribyte i år fyra i stället för ny dator; förlängd garanti.",
        updates=((dt.date(2026, 3, 2), "1 200 batterier bytta."),),
    ),
    Spec(
        "Servervirtualisering, etapp 2",
        "SK",
        "supplier",
        Status.CANCELLED,
        None,
        dt.date(2026, 12, 31),
        capex_sek=1_800_000,
        opex_sek_per_year=150_000,
        escalation=(
            "Kommunstyrelsen",
            "KS 2025/1142",
            dt.date(2025, 9, 15),
            Outcome.REJECTED,
            dt.date(2025, 11, 5),
        ),
        description="De sista 60 fysiska servrarna flyttas in i den virtuella miljön.",
        effects=(
            Effect(
                KWH,
                -210_000,
                -260_000,
                -150_000,
                dt.date(2026, 7, 1),
                "60 servrar × 400 W × 8 760 h × PUE 1,35, minus värdarnas ökning.",
            ),
        ),
    ),
    Spec(
        "Dubbelsidig utskrift som standard",
        "SK",
        "supplier",
        Status.DONE,
        dt.date(2025, 3, 17),
        dt.date(2025, 5, 31),
        meeting=1,
        effects=(
            Effect(
                PAGES,
                -1_200_000,
                -1_600_000,
                -700_000,
                dt.date(2025, 6, 1),
                "Andel enkelsidigt 2024 × förväntad övergång (PaperCuts erfarenhetstal).",
            ),
        ),
        updates=((dt.date(2025, 6, 3), "Inställt på alla skrivköer."),),
    ),
    Spec(
        "Strömsparprofiler på alla klienter",
        "SK",
        "supplier",
        Status.IN_PROGRESS,
        dt.date(2025, 10, 1),
        dt.date(2026, 6, 30),
        meeting=3,
        effects=(
            Effect(
                KWH,
                -400_000,
                -550_000,
                -250_000,
                dt.date(2026, 7, 1),
                "28 000 klienter × 15 kWh per år i viloläge (leverantörens mätning, 50 datorer).",
            ),
        ),
        tasks=(
            ("Pilot på Stadskontoret", "supplier", dt.date(2025, 12, 15), True),
            ("Utrulla till skolorna", "grf", dt.date(2026, 5, 31), False),
        ),
        updates=((dt.date(2026, 2, 10), "Piloten klar, utrullningen försenad av skolstarten."),),
    ),
    Spec(
        "Släck skärmar och projektorer nattetid",
        "GRF",
        "grf",
        Status.DECIDED,
        None,
        dt.date(2026, 9, 30),
        capex_sek=40_000,
        meeting=4,
        effects=(
            Effect(
                KWH,
                -60_000,
                -90_000,
                -30_000,
                dt.date(2027, 1, 1),
                "1 500 skärmar och projektorer × 40 kWh per år i viloläge.",
            ),
        ),
    ),
    Spec(
        "Säker utskrift med följ mig-funktion",
        "SK",
        "supplier",
        Status.IN_PROGRESS,
        dt.date(2026, 4, 1),
        dt.date(2027, 3, 31),
        capex_sek=180_000,
        opex_sek_per_year=40_000,
        meeting=5,
        effects=(
            Effect(
                PAGES,
                -800_000,
                -1_200_000,
                -400_000,
                dt.date(2026, 9, 1),
                "Utskrifter som aldrig hämtas: 3 % av sidorna i 2024 års logg.",
            ),
        ),
    ),
    Spec(
        "Avveckla gamla nätverksswitchar",
        "SK",
        "supplier",
        Status.DECIDED,
        None,
        dt.date(2027, 6, 30),
        capex_sek=220_000,
        meeting=6,
        effects=(
            Effect(
                KWH,
                -35_000,
                -50_000,
                -20_000,
                dt.date(2027, 7, 1),
                "120 switchar med 35 W lägre effekt.",
            ),
        ),
    ),
    Spec(
        "Skärmar till återbruk via återtagspartnern",
        "SK",
        "lead",
        Status.DONE,
        dt.date(2025, 4, 1),
        dt.date(2025, 12, 31),
        meeting=1,
    ),
    Spec(
        "Digitala nämndhandlingar i stället för papper",
        "SK",
        "lead",
        Status.IN_PROGRESS,
        dt.date(2025, 11, 1),
        dt.date(2026, 8, 31),
        meeting=4,
        effects=(
            Effect(
                PAGES,
                -1_000_000,
                -1_300_000,
                -600_000,
                dt.date(2026, 1, 1),
                "Utskick per nämnd och år × antal ledamöter × sidor per handling.",
            ),
        ),
        tasks=(
            ("Surfplattor till ledamöterna", "lead", dt.date(2026, 3, 31), True),
            ("Utbilda nämndsekreterarna", "lead", dt.date(2026, 6, 30), False),
        ),
    ),
    Spec(
        "Höjd temperatur i serverhallens kylning",
        "SK",
        "supplier",
        Status.PROPOSED,
        None,
        dt.date(2027, 9, 30),
        capex_sek=150_000,
        effects=(
            Effect(
                KWH,
                -250_000,
                -350_000,
                -120_000,
                dt.date(2027, 10, 1),
                "PUE från 1,35 till 1,30 på serverhallens it-last.",
            ),
        ),
    ),
    Spec(
        "Svartvit utskrift som standard",
        "SK",
        "supplier",
        Status.POSTPONED,
        None,
        dt.date(2027, 12, 31),
        meeting=5,
        effects=(
            Effect(
                PAGES,
                -300_000,
                -500_000,
                -100_000,
                dt.date(2027, 1, 1),
                "Färgsidor som skrivs ut av misstag, enligt 2025 års logg.",
            ),
        ),
        updates=((dt.date(2026, 3, 10), "Skjuts upp tills skrivarflottan är konsoliderad."),),
    ),
    Spec(
        "Dubbelsidig utskrift i skolornas skrivare",
        "GRF",
        "grf",
        Status.MERGED,
        None,
        dt.date(2025, 6, 30),
        merged_into=5,
    ),
    Spec(
        "Solceller på datahallens tak",
        "SK",
        "lead",
        Status.PROPOSED,
        None,
        dt.date(2028, 6, 30),
        capex_sek=2_500_000,
        topics=("Fastigheter",),
        description="Taket ägs av fastighetsförvaltningen: inte forumets att besluta.",
    ),
)


def load(departments: dict[str, Department]) -> list[tuple[str, str, str]]:
    """Write the forum; returns the supplier's demo login (username, role, password)."""
    from kretslopp.demo.loader import DEMO_PASSWORD

    users = get_user_model()
    accounts = []
    external_user = users.objects.filter(username=EXTERNAL_LOGIN).first()
    if external_user is None:
        external_user = users.objects.create_user(
            username=EXTERNAL_LOGIN, email="johan.ek@norrsken.invalid", password=DEMO_PASSWORD
        )
        accounts.append((EXTERNAL_LOGIN, "forum member, no role", DEMO_PASSWORD))
    excluded = [Topic.objects.get_or_create(name=name)[0] for name in DEMO_TOPICS]
    forum = Forum.objects.create(
        name=FORUM_NAME,
        mandate=(
            "Forumet beslutar om åtgärder för hållbar IT inom stadens och leverantörens "
            "drift, upp till beloppsgränsen. Bemanning och fastigheter beslutas av linjen."
        ),
        budget_limit_sek=250_000,
        stale_update_days=90,
    )
    forum.excluded_topics.set(excluded)
    members = {
        "lead": ForumMember.objects.create(
            forum=forum,
            user=users.objects.filter(username="hallbarhet").first(),
            name="Anna Holm",
            role_in_forum="Hållbarhetsstrateg, ordförande",
            is_chair=True,
        ),
        "cio": ForumMember.objects.create(
            forum=forum, name="Karin Berg", role_in_forum="IT-chef, Stadskontoret"
        ),
        "grf": ForumMember.objects.create(
            forum=forum,
            user=users.objects.filter(username="samordnare").first(),
            name="Omar Said",
            role_in_forum="IT-samordnare, Grundskoleförvaltningen",
        ),
        "supplier": ForumMember.objects.create(
            forum=forum,
            user=external_user,
            name="Johan Ek",
            external=True,
            organisation=SUPPLIER,
            role_in_forum="Kundansvarig",
        ),
        "ops": ForumMember.objects.create(
            forum=forum,
            name="Sara Lind",
            external=True,
            organisation=SUPPLIER,
            role_in_forum="Driftchef",
        ),
    }
    meetings = []
    for number, day in enumerate(MEETING_DAYS, start=1):
        meeting = Meeting.objects.create(
            forum=forum,
            held_on=day,
            agenda="1. Föregående protokoll\n2. Åtgärdsregistret\n3. Nya förslag\n4. Övrigt",
            minutes=f"Möte {number} av forumet. Åtgärdsregistret gicks igenom.",
        )
        meeting.attendees.set(list(members.values()) if number % 2 else list(members.values())[:4])
        meetings.append(meeting)
    made = {}
    for number, spec in enumerate(MEASURES, start=1):
        made[number] = _measure(forum, number, spec, departments, members, meetings)
    for number, spec in enumerate(MEASURES, start=1):
        if spec.merged_into is not None:
            made[number].merged_into = made[spec.merged_into]
            made[number].save(update_fields=["merged_into"])
    return accounts


def _measure(forum, number, spec: Spec, departments, members, meetings) -> Measure:
    decided_on = meetings[spec.meeting].held_on if spec.meeting is not None else None
    if spec.escalation and spec.escalation[3] == Outcome.APPROVED:
        decided_on = spec.escalation[4]
    topics = [Topic.objects.get_or_create(name=name)[0] for name in spec.topics]
    beyond = mandate.beyond_mandate(forum, spec.capex_sek + spec.opex_sek_per_year, topics)
    measure = Measure.objects.create(
        forum=forum,
        decision_level=DecisionLevel.ESCALATED if beyond else DecisionLevel.FORUM,
        number=number,
        title=spec.title,
        description=spec.description,
        responsible=members[spec.responsible],
        department=departments[spec.department],
        status=spec.status,
        start_date=spec.start,
        due_date=spec.due,
        capex_sek=spec.capex_sek,
        opex_sek_per_year=spec.opex_sek_per_year,
        decided_on=decided_on
        if spec.status not in (Status.PROPOSED, Status.CANCELLED, Status.MERGED)
        else None,
    )
    measure.topics.set(topics)
    if spec.meeting is not None:
        meeting = meetings[spec.meeting]
        count = Decision.objects.filter(
            meeting__forum=forum, meeting__held_on__year=meeting.held_on.year
        ).count()
        Decision.objects.create(
            meeting=meeting,
            reference=f"{meeting.held_on.year}:{count + 1}",
            text=f"Forumet beslutar om åtgärd #{number}: {spec.title}.",
            measure=measure,
        )
    if spec.escalation:
        body, reference, on, outcome, outcome_on = spec.escalation
        Escalation.objects.create(
            measure=measure,
            body=body,
            reference=reference,
            escalated_on=on,
            reason="; ".join(mandate.reasons_for(measure)),
            outcome=outcome,
            outcome_on=outcome_on,
        )
    for effect in spec.effects:
        (kpi, unit) = effect.kpi
        ExpectedEffect.objects.create(
            measure=measure,
            kpi=kpi,
            unit=unit,
            change_per_year=effect.change_per_year,
            change_low_per_year=effect.low,
            change_high_per_year=effect.high,
            effective_from=effect.effective_from,
            estimation_method=effect.how,
        )
    for title, owner, due, done in spec.tasks:
        MeasureTask.objects.create(
            measure=measure,
            title=title,
            owner=members[owner],
            due_date=due,
            done=done,
            done_on=due if done else None,
        )
    for day, text in spec.updates:
        StatusUpdate.objects.create(
            measure=measure, written_on=day, text=text, author_name=str(members[spec.responsible])
        )
    for code, role in spec.parties:
        MeasureParty.objects.create(measure=measure, department=departments[code], role=role)
    return measure


def delete() -> None:
    """Remove the demo forum (before the demo's departments and logins go)."""
    forums = Forum.objects.filter(name=FORUM_NAME)
    Measure.objects.filter(forum__in=forums).update(merged_into=None)
    Measure.objects.filter(forum__in=forums).delete()
    forums.delete()
    unused = Topic.objects.filter(measures__isnull=True, excluding_forums__isnull=True)
    unused.filter(name__in=DEMO_TOPICS).delete()
    get_user_model().objects.filter(username=EXTERNAL_LOGIN).delete()
