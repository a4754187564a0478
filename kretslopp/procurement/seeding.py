"""Copy the shipped criteria library (``kretslopp/tendering/data``) into the database.

Run by migration 0002 and by ``seed_library()`` after an upgrade ships new rows. A shipped
row already in the database is left alone when procurement has edited it (its version is
above 1); an untouched shipped row takes the shipped content. Rows of our own or imported
are never touched. Label tiers are reference data and follow the shipped file.
"""

from __future__ import annotations

from typing import Any

from kretslopp.tendering import library


def criterion_values(criterion: Any) -> dict[str, object]:
    """The stored fields of a shipped :class:`kretslopp.tendering.Criterion`."""
    return {
        "origin": "shipped",
        "source": criterion.source,
        "source_id": criterion.source_id,
        "source_ref": criterion.source_ref,
        "level": criterion.level,
        "type": criterion.type,
        "product_groups": list(criterion.product_groups),
        "title_en": criterion.title_en,
        "title_sv": criterion.title_sv,
        "summary_en": criterion.summary_en,
        "summary_sv": criterion.summary_sv,
        "accepted_proof": [str(proof) for proof in criterion.accepted_proof],
        "follow_up_en": criterion.follow_up_en,
        "follow_up_sv": criterion.follow_up_sv,
        "version_date": criterion.version_date,
        "last_reviewed": criterion.last_reviewed,
        "url": criterion.url,
        "check_kind": criterion.check_kind,
        "check_field": criterion.check_field,
        "check_operator": criterion.check_operator,
        "check_value": criterion.check_value,
        "scoring_rule": criterion.scoring_rule,
        "note_en": criterion.note_en,
        "note_sv": criterion.note_sv,
    }


def label_values(tier: Any) -> dict[str, object]:
    return {
        "scheme": tier.scheme,
        "tier_label_en": tier.tier_label_en,
        "tier_label_sv": tier.tier_label_sv,
        "product_groups": list(tier.product_groups),
        "valid_from": tier.valid_from,
        "valid_to": tier.valid_to,
        "summary_en": tier.summary_en,
        "summary_sv": tier.summary_sv,
        "source_id": tier.source_id,
        "url": tier.url,
        "note_en": tier.note_en,
        "note_sv": tier.note_sv,
    }


def seed_library(criterion_model: Any = None, label_model: Any = None) -> int:
    """Add or refresh the shipped rows; returns how many criteria were added or refreshed.

    The models are parameters so that a migration can pass its historical models.
    """
    if criterion_model is None or label_model is None:
        from kretslopp.procurement.models import Criterion, LabelTier

        criterion_model, label_model = Criterion, LabelTier
    shipped = library()
    existing = {row.criterion_id: row for row in criterion_model.objects.all()}
    changed = 0
    for criterion_id, criterion in shipped.criteria.items():
        row = existing.get(criterion_id)
        values = criterion_values(criterion)
        if row is None:
            criterion_model.objects.create(criterion_id=criterion_id, **values)
            changed += 1
        elif row.origin == "shipped" and row.version == 1:
            criterion_model.objects.filter(pk=row.pk).update(**values)
            changed += 1
    for (scheme_id, tier_id), tier in shipped.labels.items():
        label_model.objects.update_or_create(
            scheme_id=scheme_id, tier=tier_id, defaults=label_values(tier)
        )
    return changed
