"""Reading one CUPS page_log line, in the default layout or a custom ``PageLogFormat``.

CUPS writes a line per page (``%P`` is the page number, ``%C`` that page's copies) and, since
CUPS 1.5, a ``total`` line per job (``%P`` is the word ``total`` and ``%C`` the job's
impressions). ``cups-files.conf``'s ``PageLogFormat`` decides the layout; its directives are
``%p`` printer, ``%u`` user, ``%j`` job id, ``%T`` date and time in brackets (common log
format, optionally with microseconds), ``%P``, ``%C``, ``%{attribute}`` any IPP job
attribute (``-`` when absent, several values joined with commas), ``%%`` a percent sign,
and any other text literally. CUPS copies attribute values verbatim — a job name with spaces
is written with its spaces, unquoted — so a field that may hold spaces can only be found
by anchoring the fields around it.

The default layout (``%p %u %j %T %P %C %{job-billing} %{job-originating-host-name}
%{job-name} %{media} %{sides}``) has a hand-written fast path that takes the fixed fields
from both ends of the line and leaves the rest to the job name; it also reads the shorter
lines older CUPS versions wrote (without host, or without job name, media and sides).
A custom format is compiled to one anchored regular expression.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

DEFAULT_PAGE_LOG_FORMAT = (
    "%p %u %j %T %P %C %{job-billing} %{job-originating-host-name} %{job-name} %{media} %{sides}"
)

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_CLF_TIME = re.compile(
    r"(\d{1,2})/([A-Z][a-z]{2})/(\d{4}):(\d{2}):(\d{2}):(\d{2})"  # day/Mon/year:h:m:s
    r"(?:\.(\d{1,6}))? ([+-])(\d{2})(\d{2})"  # optional microseconds, UTC offset
)
_ZONES: dict[str, timezone] = {}

#: Attributes whose values are single keywords or names without spaces.
_TOKEN_ATTRIBUTES = frozenset(
    {
        "media",
        "sides",
        "print-color-mode",
        "output-mode",
        "job-originating-host-name",
        "job-uuid",
        "job-id",
        "copies",
        "number-up",
        "job-impressions",
        "job-impressions-completed",
        "job-media-sheets",
        "job-media-sheets-completed",
        "print-quality",
        "printer-resolution",
        "job-priority",
        "document-format",
    }
)
#: Values of ``print-color-mode`` (IPP) and ``output-mode`` (older CUPS option) we can read.
_COLOUR_MODES = {
    "color": True,
    "colour": True,
    "auto-monochrome": None,
    "auto": None,
    "monochrome": False,
    "bi-level": False,
    "process-monochrome": False,
    "process-bi-level": False,
    "highlight": True,
}


class PageLogFormatError(ValueError):
    """A ``PageLogFormat`` string we cannot count pages with."""


@dataclass(slots=True)
class PageLine:
    """The fields of one page_log line that the printing KPIs use (all as written)."""

    printer: str
    user: str
    job_id: str
    time_text: str
    page: str  # a page number, or "total"
    copies: int
    billing: str | None
    media: str | None
    sides: str | None
    colour_mode: str | None


class LineError(ValueError):
    """A malformed line; ``code`` names the problem for translation."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


_DAYS: dict[str, datetime] = {}  # "21/Nov/2026 +0100" → that midnight, once validated


def parse_clf_time(text: str) -> datetime:
    """``21/Nov/2026:09:14:07 +0100`` (brackets removed) → an aware datetime.

    The common shape (no microseconds) is read by slicing against a cache of validated
    days, since a log holds millions of lines but only 365 days; anything else goes through
    the full pattern.
    """
    if len(text) == 26 and text[11] == ":" and text[14] == ":" and text[17] == ":":
        base = _DAYS.get(text[:11] + text[20:])
        digits = text[12:14] + text[15:17] + text[18:20]
        if base is not None and digits.isdigit() and digits.isascii():
            hour, minute, second = int(digits[:2]), int(digits[2:4]), int(digits[4:])
            if hour < 24 and minute < 60 and second < 60:
                return base.replace(hour=hour, minute=minute, second=second)
    return _parse_clf_time_fully(text)


def _parse_clf_time_fully(text: str) -> datetime:
    match = _CLF_TIME.fullmatch(text)
    if match is None:
        raise LineError("bad_time", f"not a CUPS date and time: [{text}]")
    day, month_name, year, hour, minute, second, micro, sign, tz_h, tz_m = match.groups()
    month = _MONTHS.get(month_name)
    if month is None:
        raise LineError("bad_time", f"unknown month {month_name!r} in [{text}]")
    zone_key = sign + tz_h + tz_m
    zone = _ZONES.get(zone_key)
    if zone is None:
        offset = timedelta(hours=int(tz_h), minutes=int(tz_m))
        if offset >= timedelta(hours=24):  # timezone() would raise a bare ValueError
            raise LineError("bad_time", f"impossible UTC offset in [{text}]")
        zone = timezone(-offset if sign == "-" else offset)
        _ZONES[zone_key] = zone
    try:
        value = datetime(
            int(year), month, int(day), int(hour), int(minute), int(second),
            int((micro or "0").ljust(6, "0")), tzinfo=zone,
        )  # fmt: skip
    except ValueError as exc:
        raise LineError("bad_time", f"impossible date or time [{text}]: {exc}") from None
    if len(_DAYS) < 10_000 and len(day) == 2:
        _DAYS[text[:11] + " " + zone_key] = value.replace(hour=0, minute=0, second=0, microsecond=0)
    return value


def _dash(value: str) -> str | None:
    return None if value == "-" or value == "" else value


def _check_counts(job_id: str, page: str, copies: str) -> int:
    if not job_id.isdigit():
        raise LineError("bad_job_id", f"the job id is not a number: {job_id!r}")
    if page != "total" and not page.isdigit():
        raise LineError("bad_page", f"the page field is neither a number nor 'total': {page!r}")
    if not copies.isdigit():
        raise LineError("bad_copies", f"the copies field is not a number: {copies!r}")
    return int(copies)


DefaultParts = tuple[str, str, str, str, str]


def split_default_line(line: str) -> DefaultParts:
    """Cut a default-format line into (head, time text, page, copies, tail).

    ``head`` is "printer user job-id", ``tail`` everything after the copies field. Cheap:
    a job's later page lines share head and tail with its first line, so comparing these two
    strings is enough to recognise them (see :mod:`kretslopp.printlogs.cups`).
    """
    open_at = line.find(" [")
    close_at = line.find("] ", open_at + 2) if open_at >= 0 else -1
    if close_at < 0:
        raise LineError("no_time", "no [date and time] field where CUPS writes one")
    rest = line[close_at + 2 :]
    first = rest.find(" ")
    second = rest.find(" ", first + 1) if first >= 0 else -1
    if second < 0:
        raise LineError(
            "wrong_field_count",
            f"{len(rest.split(' '))} fields after the date; the default format has 7 or more "
            "(3 or 4 in logs of CUPS before 1.3)",
        )
    return (
        line[:open_at], line[open_at + 2 : close_at], rest[:first],
        rest[first + 1 : second], rest[second + 1 :],
    )  # fmt: skip


def parse_default_parts(head: str, time_text: str, page: str, copies: str, tail: str) -> PageLine:
    """Read the fields of a line cut by :func:`split_default_line`.

    Fixed fields are taken from both ends: printer first and job id last in the head (a user
    name may hold spaces); billing and host from the left of the tail and media and sides
    from its right; what lies between is the job name (which we do not keep). A billing code
    with spaces cannot be told apart from the job name and is not supported. A tail of one
    field is CUPS 1.1 (billing only), of two fields CUPS 1.1.19 (billing and host).
    """
    names = head.split(" ")
    if len(names) < 3:
        raise LineError("too_few_fields", "expected printer, user and job id before the date")
    user = names[1] if len(names) == 3 else " ".join(names[1:-1])
    media = sides = "-"
    space = tail.find(" ")
    if space < 0:
        billing = tail
    elif tail.find(" ", space + 1) < 0:
        billing = tail[:space]
    else:
        left, media, sides = tail.rsplit(" ", 2)
        first = left.find(" ")
        if first < 0 or left.find(" ", first + 1) < 0:
            raise LineError(
                "wrong_field_count",
                f"{len(tail.split(' ')) + 2} fields after the date; the default format has 7 "
                "or more (3 or 4 in logs of CUPS before 1.3)",
            )
        billing = left[:first]
    copies_n = _check_counts(names[-1], page, copies)
    return PageLine(
        names[0], user, names[-1], time_text, page, copies_n,
        _dash(billing), _dash(media), _dash(sides), None,
    )  # fmt: skip


def parse_default_line(line: str) -> PageLine:
    """Parse a line in CUPS's default layout, or one of the shorter older layouts."""
    return parse_default_parts(*split_default_line(line))


_DIRECTIVE = re.compile(r"%(\{[^}]*\}|.|$)")
_FIELD_PATTERNS = {
    "p": ("printer", r"\S+"),
    "u": ("user", r".+?"),
    "j": ("job_id", r"\d+"),
    "T": ("time", r"\[[^\]]+\]"),
    "P": ("page", r"\d+|total"),
    "C": ("copies", r"\d+"),
}


@dataclass(frozen=True, slots=True)
class CompiledFormat:
    """A ``PageLogFormat`` string turned into a line parser."""

    text: str
    pattern: re.Pattern[str] | None  # None: the default layout's fast path
    attribute_groups: tuple[tuple[str, str], ...]  # (attribute name, group name)

    @property
    def is_default(self) -> bool:
        return self.pattern is None

    def parser(self) -> Callable[[str], PageLine]:
        if self.pattern is None:
            return parse_default_line
        return self._parse_custom

    def _parse_custom(self, line: str) -> PageLine:
        assert self.pattern is not None
        match = self.pattern.fullmatch(line)
        if match is None:
            raise LineError("format_mismatch", f"the line does not match {self.text!r}")
        groups = match.groupdict()
        attributes = {name: groups[group] for name, group in self.attribute_groups}
        copies = groups.get("copies") or "1"
        copies_n = _check_counts(groups["job_id"], groups["page"], copies)
        colour_mode = attributes.get("print-color-mode") or attributes.get("output-mode")
        return PageLine(
            printer=groups.get("printer") or "",
            user=groups.get("user") or "",
            job_id=groups["job_id"],
            time_text=groups["time"][1:-1],
            page=groups["page"],
            copies=copies_n,
            billing=_dash(attributes.get("job-billing") or ""),
            media=_dash(attributes.get("media") or ""),
            sides=_dash(attributes.get("sides") or ""),
            colour_mode=_dash(colour_mode or ""),
        )


def compile_page_log_format(
    text: str | None = None, *, fast_default: bool = True
) -> CompiledFormat:
    """Build a parser for a ``PageLogFormat`` value (``None`` or the default: the fast path).

    ``%j``, ``%T`` and ``%P`` are required: without a job id pages cannot be grouped into
    jobs, without a time they cannot be put in a month, without ``%P`` nothing is counted.
    ``%C`` may be left out (each line then counts one copy). Free-text attributes (job name,
    billing, anything not known to be a keyword) match lazily, so two free-text fields side
    by side split at the first possible place — put a literal separator between them.
    ``fast_default=False`` compiles even the default format to a regular expression (the
    tests check that both agree).
    """
    if text is None:
        text = DEFAULT_PAGE_LOG_FORMAT
    text = text.strip()
    if text.startswith("PageLogFormat "):  # pasted straight from cups-files.conf
        text = text[len("PageLogFormat ") :].strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    if fast_default and " ".join(text.split()) == DEFAULT_PAGE_LOG_FORMAT:
        return CompiledFormat(DEFAULT_PAGE_LOG_FORMAT, None, ())
    parts: list[str] = []
    seen: set[str] = set()
    attribute_groups: list[tuple[str, str]] = []
    position = 0
    for match in _DIRECTIVE.finditer(text):
        parts.append(re.escape(text[position : match.start()]))
        position = match.end()
        token = match.group(1)
        if token == "%":
            parts.append("%")
        elif token in _FIELD_PATTERNS:
            group, pattern = _FIELD_PATTERNS[token]
            if group in seen:
                parts.append(f"(?:{pattern})")
            else:
                seen.add(group)
                parts.append(f"(?P<{group}>{pattern})")
        elif token.startswith("{") and len(token) > 2:
            name = token[1:-1]
            pattern = r"\S+" if name in _TOKEN_ATTRIBUTES else r".*?"
            if name in {attr for attr, _ in attribute_groups}:
                parts.append(f"(?:{pattern})")
            else:
                group = f"attr{len(attribute_groups)}"
                attribute_groups.append((name, group))
                parts.append(f"(?P<{group}>{pattern})")
        else:  # CUPS writes an unknown directive as is
            parts.append(re.escape("%" + token))
    parts.append(re.escape(text[position:]))
    missing = [d for d, g in (("%j", "job_id"), ("%T", "time"), ("%P", "page")) if g not in seen]
    if missing:
        raise PageLogFormatError(
            f"PageLogFormat {text!r} lacks {', '.join(missing)}: Kretslopp needs the job id, "
            "the time and the page field to count pages per job and month"
        )
    return CompiledFormat(text, re.compile("".join(parts)), tuple(attribute_groups))


def duplex_from_sides(sides: str | None) -> bool | None:
    """IPP ``sides``: ``one-sided`` → False, ``two-sided-*`` → True, missing → None."""
    if sides is None:
        return None
    lower = sides.casefold()
    if lower.startswith("two-sided") or lower in {"duplex", "duplexnotumble", "duplextumble"}:
        return True
    if lower == "one-sided" or lower in {"simplex", "none"}:
        return False
    return None


def colour_from_mode(mode: str | None) -> bool | None:
    """IPP ``print-color-mode``: ``color`` → True, ``monochrome`` → False, else unknown."""
    if mode is None:
        return None
    return _COLOUR_MODES.get(mode.casefold())
