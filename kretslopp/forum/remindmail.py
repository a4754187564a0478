"""Reminders by mail: one message per person, following the chain in :mod:`.reminders`.

Sent only where a mail server is configured (``KRETSLOPP_EMAIL_HOST``); otherwise the
command lists what it would have sent, so a scheduled run without mail still leaves a log.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kretslopp.forum import reminders
from kretslopp.forum.models import ForumMember
from kretslopp.organisation.logins import mail_configured

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What a run found and did."""

    reminders: int = 0
    mailed: dict[str, int] = field(default_factory=dict)  # address → reminders in the mail
    unreachable: list[reminders.Reminder] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    mail_configured: bool = False


def line(reminder: reminders.Reminder) -> str:
    """One reminder as a line of the mail (and of the command's listing)."""
    measure = f"{reminder.measure.reference} {reminder.measure.title}"
    when = date_format(reminder.since, "j F Y")
    if reminder.kind == reminders.OVERDUE_TASK:
        text = _("Task “%(task)s” of %(measure)s was due %(date)s (%(days)s days ago).")
    elif reminder.kind == reminders.OVERDUE_MEASURE:
        text = _("%(measure)s was due %(date)s (%(days)s days ago).")
    else:
        text = _("%(measure)s has had no status update since %(date)s (%(days)s days).")
    return text % {
        "task": reminder.task.title if reminder.task else "",
        "measure": measure,
        "date": when,
        "days": reminder.days,
    }


def body(person: ForumMember, items: list[reminders.Reminder]) -> str:
    lines = [
        _("Hello %(name)s,") % {"name": person.name},
        "",
        ngettext(
            "this needs your attention in the sustainability forum:",
            "these need your attention in the sustainability forum:",
            len(items),
        ),
        "",
    ]
    for reminder in items:
        lines.append(f"- {reminder.forum.name}: {line(reminder)}")
    lines += [
        "",
        _(
            "You get this because you are responsible, or chair the forum and nobody else is. "
            "Write a status update or move the due date on the measure's page in Kretslopp."
        ),
    ]
    return "\n".join(lines) + "\n"


def run(*, on: dt.date | None = None, forum_id: int | None = None, send: bool = True) -> Outcome:
    """Gather every reminder and mail each person their own, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        measures = None
        if forum_id is not None:
            from kretslopp.forum.models import Measure

            measures = Measure.objects.filter(forum_id=forum_id)
        found = reminders.due(measures, on=on)
        grouped, unreachable = reminders.by_recipient(found)
        outcome = Outcome(
            reminders=len(found), unreachable=unreachable, mail_configured=mail_configured()
        )
        if not (send and outcome.mail_configured):
            return outcome
        for person, items in grouped.items():
            address = person.contact_email
            subject = ngettext(
                "Kretslopp: %(count)s forum item to chase",
                "Kretslopp: %(count)s forum items to chase",
                len(items),
            ) % {"count": len(items)}
            try:
                send_mail(subject, body(person, items), None, [address])
            except OSError as error:
                logger.warning("Forum reminder to %s not mailed: %s", address, error)
                outcome.failed.append(address)
                continue
            outcome.mailed[address] = len(items)
        return outcome


def grouped_listing(on: dt.date | None = None, forum_id: int | None = None) -> list[str]:
    """The reminders as text lines, by recipient (for the command's output)."""
    with translation.override(settings.LANGUAGE_CODE):
        measures = None
        if forum_id is not None:
            from kretslopp.forum.models import Measure

            measures = Measure.objects.filter(forum_id=forum_id)
        grouped, unreachable = reminders.by_recipient(reminders.due(measures, on=on))
        lines = []
        for person, items in grouped.items():
            lines.append(f"{person.name} <{person.contact_email}>:")
            lines += [f"  {r.forum.name}: {line(r)}" for r in items]
        if unreachable:
            lines.append(_("Nobody with an e-mail address in the chain:"))
            lines += [f"  {r.forum.name}: {line(r)}" for r in unreachable]
        return lines


def scheduled() -> str:
    """The periodic job (``kretslopp worker --with-schedule``): ``kretslopp forum remind``."""
    outcome = run()
    if not outcome.mail_configured:
        return f"{outcome.reminders} reminders; no mail server configured, nothing mailed"
    return (
        f"{outcome.reminders} reminders; {len(outcome.mailed)} mails sent, "
        f"{len(outcome.unreachable)} without an address, {len(outcome.failed)} failed"
    )
