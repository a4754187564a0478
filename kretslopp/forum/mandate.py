"""The forum's mandate as a rule: may the forum decide this measure itself?

The rule is data on the forum — its budget limit in SEK and the topics it may not decide
alone — and this module is the one place that reads it. A measure whose budget need
(investment plus the first year's running cost) is above the limit, or that touches an
excluded topic, is decided by a named body above the forum: the forum escalates it and
records that body's outcome (:mod:`kretslopp.forum.lifecycle`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kretslopp.forum.models import DecisionLevel, Forum, Measure, Topic


def _sek(amount: int) -> str:
    return number_format(amount, force_grouping=True)


def beyond_mandate(forum: Forum, budget_need_sek: int, topics: Iterable[Topic]) -> list[str]:
    """Why the forum may not decide such a measure itself; empty when it may."""
    reasons = []
    if budget_need_sek > forum.budget_limit_sek:
        reasons.append(
            _(
                "its budget need of %(need)s SEK (investment plus a year's running cost) is "
                "above the forum's limit of %(limit)s SEK"
            )
            % {"need": _sek(budget_need_sek), "limit": _sek(forum.budget_limit_sek)}
        )
    excluded = {topic.pk for topic in forum.excluded_topics.all()}
    touched = sorted(topic.name for topic in topics if topic.pk in excluded)
    if touched:
        reasons.append(
            _("it touches %(topics)s, which the forum's mandate excludes")
            % {"topics": ", ".join(touched)}
        )
    return reasons


def reasons_for(measure: Measure) -> list[str]:
    """:func:`beyond_mandate` for a saved measure (its topics as stored)."""
    return beyond_mandate(measure.forum, measure.budget_need_sek, measure.topics.all())


def level_of(measure: Measure) -> str:
    """Who must decide ``measure``: the forum, or a body above it."""
    return DecisionLevel.ESCALATED if reasons_for(measure) else DecisionLevel.FORUM


def refresh_level(measure: Measure) -> None:
    """Store the decision level the mandate gives (after the budget or topics changed)."""
    level = level_of(measure)
    if measure.decision_level != level:
        measure.decision_level = level
        measure.save(update_fields=["decision_level", "updated_at"])
