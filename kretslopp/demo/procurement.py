"""The demo's procurement: laptops and mobiles bought on lifecycle cost, followed up after.

Malmö's demo buys 3,000 laptops and 1,200 mobiles (procurement KS-2025-0117, two lots). Four
bidders' filled-in offer forms are files in ``data/procurement/`` (one row per offered
product; the columns headed by the form's column ids, which the form's import recognises as
it does the Swedish headers, so a reworded form never breaks ``make run``); they come in
through the one import pipeline like any uploaded form, are evaluated by value deductions
and decided. The winner's contract then finds its devices among the demo fleet's purchases
(their order numbers are the contract's orders), and the follow-up of the two framework suppliers is
recorded: commitments, a condition to report on reuse and recycling, audits with findings
and corrective actions — one of them overdue.

The bidders' figures and every certificate number here are invented for the demo (the files
say so in their PCF source column); the labels the demo adds to the catalogue carry
``DEMO-`` certificate numbers. The TCO Certified certificates added for the framework's
phones make the labelled share of mobiles rise over the demo's last years, as a requirement
in the framework agreement would. Everything goes in with ordinary saves (a few hundred
rows), so the audit trail has them and ``make run`` stays fast.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.db.models import Q

from kretslopp.core import audit
from kretslopp.imports import pipeline
from kretslopp.imports.runs import SYSTEM_ACCESS, open_file
from kretslopp.inventory.models import Asset, ProductLabel, ProductModel

DATA = Path(__file__).resolve().parent / "data" / "procurement"
OFFER_FILES = ("anbud-atea.csv", "anbud-dustin.csv", "anbud-advania.csv", "anbud-tele2.csv")
REFERENCE = "KS-2025-0117"
PERIOD = (dt.date(2025, 6, 1), dt.date(2029, 5, 31))
#: (criterion, points, value deduction in SEK per unit, rule parameters, interpretation)
CRITERIA = (
    ("upph-11185", 0, 0, {}, "Gäller även mobiltelefonerna: reservdelar i minst tre år."),
    ("own-tco-certified", 0, 0, {}, "Certifikatet ska gälla hela avtalstiden eller förnyas."),
    ("upph-11189", 10, 300, {"minimum_warranty_years": "3"}, ""),
    ("upph-11193", 10, 200, {}, ""),
    ("own-pcf-declared", 5, 150, {}, "PCF enligt ISO 14067 eller likvärdig metod."),
)
#: Certificates the demo gives catalogue models: (manufacturer, model, tier, number, from, to).
#: The laptop's certificate ends before the contract does: the label warning of the demo.
CERTIFICATES = (
    ("Dell", "Latitude 5455", "Generation 10", "DEMO-TCO-DL5455", (2024, 9, 1), (2027, 3, 31)),
    ("Samsung", "Galaxy A55 5G", "Generation 10", "DEMO-TCO-SGA55", (2024, 4, 1), (2029, 12, 31)),
    ("Samsung", "Galaxy A54 5G", "Generation 9", "DEMO-TCO-SGA54", (2024, 6, 1), (2027, 5, 31)),
    ("Fairphone", "Fairphone 5", "Generation 9", "DEMO-TCO-FP5", (2023, 4, 1), (2029, 6, 30)),
)


def load(seed: int = 1) -> dict[str, int]:
    """Write the demo procurement and its follow-up; returns the counts."""
    from kretslopp.procurement import evaluation
    from kretslopp.procurement.models import Criterion, CriterionUse, Procurement

    with audit.acting_as(None):
        _certificates()
        procurement = Procurement.objects.create(
            reference=REFERENCE,
            title="Bärbara datorer och mobiltelefoner 2025–2029",
            product_group="computers",
            period_start=PERIOD[0],
            period_end=PERIOD[1],
            units=3000,
            units_by_lot={"Bärbara datorer": 3000, "Mobiltelefoner": 1200},
            lifetime_years=4,
            discount_rate=Decimal("0.03"),
            sek_per_kwh=Decimal("1.50"),
            grid_kg_co2e_per_kwh=Decimal("0.045"),
            shadow_price_sek_per_tonne=Decimal("1200"),
            price_basis="lcc",
            price_weight=Decimal("60"),
            evaluation_date=dt.date(2025, 3, 14),
        )
        for order, (criterion_id, points, deduction, parameters, reading) in enumerate(CRITERIA):
            criterion = Criterion.objects.get(criterion_id=criterion_id)
            CriterionUse.objects.create(
                procurement=procurement,
                criterion=criterion,
                type=criterion.type,
                max_points=points,
                deduction_sek=deduction,
                parameters=parameters,
                interpretation=reading,
                order=order,
            )
        lines = sum(_offer(procurement, name) for name in OFFER_FILES)
        decided = evaluation.decide(
            procurement,
            "value_deduction",
            None,
            "Demo: tilldelning efter lägsta jämförelsepris med mervärdesavdrag.",
        )
        orders = sum(_deliveries(contract) for contract in decided.contracts.all())
        follow_up = _follow_up(decided.contracts.order_by("pk").first())
    return {"offer_lines": lines, "contract_orders": orders, **follow_up}


def _certificates() -> None:
    for manufacturer, name, tier, number, valid_from, valid_until in CERTIFICATES:
        model = ProductModel.objects.filter(manufacturer__name=manufacturer, name=name).first()
        if model is None:
            continue
        ProductLabel.objects.filter(product_model=model, scheme="tco_certified").delete()
        ProductLabel.objects.create(
            product_model=model,
            scheme="tco_certified",
            level=tier,
            certificate_id=number,
            valid_from=dt.date(*valid_from),
            valid_until=dt.date(*valid_until),
        )


def _offer(procurement, file_name: str) -> int:
    """One bidder's filled-in form through the one import pipeline, as an upload would go."""
    from kretslopp.procurement.offerform import OfferFormTarget

    table = open_file(DATA / file_name, file_name)
    target = OfferFormTarget(procurement)
    context = pipeline.Context(access=SYSTEM_ACCESS, file_name=file_name)
    result = pipeline.run(table, target, target.suggest_mapping(table.headers), context)
    if result.status != "committed":
        problems = "; ".join(f"{p.location}: {p.message}" for p in result.problems[:5])
        raise RuntimeError(f"demo offer {file_name} was refused: {problems}")
    return result.counts.created


def _deliveries(contract) -> int:
    """Link the contracted models to the catalogue and record the fleet's orders for them."""
    from kretslopp.procurement.models import ContractOrder

    numbers: set[str] = set()
    for row in contract.models.all():
        model = ProductModel.objects.filter(
            manufacturer__name=row.manufacturer, name=row.model
        ).first()
        if model is None:
            continue
        row.product_model = model
        row.save()
        numbers.update(
            Asset.objects.filter(
                Q(supplier=contract.supplier.name),
                model=model,
                purchase_date__gte=contract.starts_on,
            )
            .exclude(order_number="")
            .values_list("order_number", flat=True)
            .distinct()
        )
    for number in sorted(numbers):  # a few hundred orders: ordinary saves, audited
        ContractOrder.objects.create(contract=contract, order_number=number)
    return len(numbers)


def _follow_up(contract) -> dict[str, int]:
    """Two framework suppliers' commitments and audits; one corrective action overdue."""
    from kretslopp.procurement.models import (
        AuditFinding,
        ContractCondition,
        CorrectiveAction,
        Supplier,
        SupplierAudit,
        SupplierCommitment,
    )

    atea = Supplier.objects.get(name="Atea Sverige AB")
    dustin = Supplier.objects.get(name="Dustin Sverige AB")
    SupplierCommitment.objects.create(
        supplier=atea,
        code_of_conduct=True,
        code_of_conduct_signed_on=dt.date(2025, 5, 20),
        rba_member=False,
        conflict_minerals_policy=True,
        conflict_minerals_note="Kräver att tillverkarna följer OECD:s riktlinjer (demo).",
        note="Demo: påhittade uppgifter.",
    )
    SupplierCommitment.objects.create(
        supplier=dustin,
        code_of_conduct=True,
        code_of_conduct_signed_on=dt.date(2024, 2, 1),
        conflict_minerals_policy=False,
        note="Demo: påhittade uppgifter.",
    )
    conditions = 0
    if contract is not None:
        ContractCondition.objects.create(
            contract=contract,
            title="Årlig rapport om återbruk och återvinning",
            description="Leverantören redovisar återtagna enheter och hur de tagits om hand.",
            due_on=dt.date(2026, 6, 30),
            status="met",
            followed_up_on=dt.date(2026, 7, 3),
        )
        ContractCondition.objects.create(
            contract=contract,
            title="Årlig rapport om återbruk och återvinning",
            description="Leverantören redovisar återtagna enheter och hur de tagits om hand.",
            due_on=dt.date(2027, 6, 30),
        )
        conditions = 2
    first = SupplierAudit.objects.create(
        supplier=atea,
        contract=contract,
        audited_on=dt.date(2025, 11, 12),
        auditor="Tredjepartsrevisor på uppdrag av kommunerna (demo)",
        site="Slutmontering av bärbara datorer (tillverkarens fabrik)",
        summary="Demo: påhittad revision.",
    )
    hours = AuditFinding.objects.create(
        audit=first,
        description="Övertid över den gräns lagen och uppförandekoden tillåter under toppsäsong.",
        severity="major",
    )
    CorrectiveAction.objects.create(
        finding=hours,
        description="Inför schemaläggning som håller övertiden inom gränsen; redovisa timlistor.",
        owner="Fabrikens produktionschef",
        due_on=dt.date(2026, 3, 31),
        status="in_progress",
        note="Timlistor för januari saknas fortfarande (demo).",
    )
    safety = AuditFinding.objects.create(
        audit=first, description="Nödutgång blockerad i lagret.", severity="priority"
    )
    CorrectiveAction.objects.create(
        finding=safety,
        description="Frilägg nödutgången och inför daglig kontroll.",
        owner="Fabrikens skyddsombud",
        due_on=dt.date(2025, 11, 19),
        status="verified",
        closed_on=dt.date(2025, 11, 18),
    )
    second = SupplierAudit.objects.create(
        supplier=dustin,
        audited_on=dt.date(2026, 5, 6),
        auditor="Leverantörens egen revision (demo)",
        site="Batterileverantör i leveranskedjan",
        summary="Demo: påhittad revision.",
    )
    fees = AuditFinding.objects.create(
        audit=second,
        description="Rekryteringsavgifter betalda av inhyrd personal.",
        severity="major",
    )
    CorrectiveAction.objects.create(
        finding=fees,
        description="Betala tillbaka avgifterna och ändra avtalet med bemanningsföretaget.",
        owner="Leverantörens hållbarhetschef",
        due_on=dt.date(2027, 2, 28),
        status="in_progress",
    )
    return {"supplier_audits": 2, "contract_conditions": conditions}


def delete() -> None:
    """Remove the demo procurement and its follow-up (before the demo's catalogue goes)."""
    from kretslopp.procurement.models import (
        Contract,
        ContractModel,
        CriterionUse,
        Evaluation,
        Offer,
        OfferLine,
        Procurement,
        Supplier,
        SupplierAudit,
        SupplierCommitment,
    )

    procurement = Procurement.objects.filter(reference=REFERENCE).first()
    if procurement is None:
        return
    contracts = Contract.objects.filter(procurement=procurement)
    SupplierAudit.objects.filter(supplier__contracts__in=contracts).delete()
    suppliers = list(Supplier.objects.filter(offers__procurement=procurement).distinct())
    SupplierAudit.objects.filter(supplier__in=suppliers).delete()
    SupplierCommitment.objects.filter(supplier__in=suppliers).delete()
    ContractModel.objects.filter(contract__in=contracts).delete()
    contracts.delete()
    for evaluation in Evaluation.objects.filter(procurement=procurement):
        # Not audited by signal (decide() writes its entry): its deletion is recorded here.
        audit.record(evaluation, "delete", {})
        evaluation.delete()
    OfferLine.objects.filter(offer__procurement=procurement).delete()
    Offer.objects.filter(procurement=procurement).delete()
    CriterionUse.objects.filter(procurement=procurement).delete()
    procurement.delete()
    Supplier.objects.filter(pk__in=[s.pk for s in suppliers], contracts__isnull=True).delete()
