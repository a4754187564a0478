"""The asset list's filters, in one place so the page, its exports and the API agree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kretslopp.inventory import due as due_rules
from kretslopp.inventory import lifecycle
from kretslopp.inventory.models import Asset, LabelScheme, ProductCategory, Status
from kretslopp.organisation.access import Access

# Age in whole years since the asset came into use (or was bought, if never used).
AGE_BANDS: dict[str, tuple[str, int, int | None]] = {
    "0-1": (_("under 2 years"), 0, 2),
    "2-3": (_("2–3 years"), 2, 4),
    "4-5": (_("4–5 years"), 4, 6),
    "6-7": (_("6–7 years"), 6, 8),
    "8+": (_("8 years or more"), 8, None),
}
CUSTODY = {
    "in": (_("in custody"), lifecycle.LISTED_BY_DEFAULT),
    "left": (_("left the organisation"), lifecycle.LEFT_CUSTODY),
    "missing": (_("lost or stolen"), lifecycle.MISSING),
}
#: The custody choice that shows every asset, whatever became of it.
ALL_CUSTODY = "all"
SORTS = {
    "tag": "asset_tag",
    "serial": "serial_number",
    "model": "model__name",
    "department": "department__name",
    "status": "status",
    "purchased": "purchase_date",
    "in_use": "in_use_date",
}


@dataclass
class AssetFilter:
    q: str = ""
    department: str = ""
    cost_centre: str = ""
    category: str = ""
    status: str = ""
    custody: str = ""
    age: str = ""
    label: str = ""
    #: One of ``due.KINDS`` (devices due: past planned end, …), with the days rule of
    #: "not returned after replacement".
    due: str = ""
    days: int = due_rules.DEFAULT_DAYS
    sort: str = "tag"
    descending: bool = False

    @classmethod
    def from_query(cls, query: QueryDict) -> AssetFilter:
        sort = query.get("sort", "tag")
        descending = sort.startswith("-")
        sort = sort.lstrip("-")
        return cls(
            q=query.get("q", "").strip()[:100],
            department=query.get("department", ""),
            cost_centre=query.get("cost_centre", "").strip()[:20],
            category=query.get("category", "")
            if query.get("category") in ProductCategory.values
            else "",
            status=query.get("status", "") if query.get("status") in Status.values else "",
            custody=_custody(query.get("custody", ""), searching=bool(query.get("q", "").strip())),
            age=query.get("age", "") if query.get("age") in AGE_BANDS else "",
            label=query.get("label", "") if query.get("label") in LabelScheme.values else "",
            due=query.get("due", "") if query.get("due") in due_rules.KINDS else "",
            days=due_rules.parse_days(query.get("days")),
            sort=sort if sort in SORTS else "tag",
            descending=descending,
        )

    def apply(self, access: Access, today: dt.date | None = None) -> QuerySet:
        """The assets the user may see that match the filter, sorted."""
        assets = access.scope(Asset.objects.all()).search(self.q)
        if self.department:
            assets = assets.filter(department__code=self.department)
        if self.cost_centre:
            assets = assets.filter(cost_centre__code=self.cost_centre)
        if self.category:
            assets = assets.filter(model__category=self.category)
        if self.status:
            assets = assets.filter(status=self.status)
        if self.custody:
            assets = assets.filter(status__in=CUSTODY[self.custody][1])
        if self.label:
            assets = assets.filter(model__labels__scheme=self.label).distinct()
        if self.age:
            assets = self._filter_age(assets, today or timezone.localdate())
        if self.due:
            assets = assets.filter(
                due_rules.condition(self.due, today or timezone.localdate(), self.days)
            )
        order = SORTS[self.sort]
        return assets.order_by(f"-{order}" if self.descending else order, "pk")

    def _filter_age(self, assets: QuerySet, today: dt.date) -> QuerySet:
        _label, youngest, oldest = AGE_BANDS[self.age]
        # Age is counted from in_use_date: ages y..z mean in use since a date in this window.
        latest = _years_before(today, youngest)
        assets = assets.filter(in_use_date__lte=latest)
        if oldest is not None:
            assets = assets.filter(in_use_date__gt=_years_before(today, oldest))
        return assets

    def counted_statuses(self) -> frozenset[str] | None:
        """The statuses the filter picks, when it picks assets by nothing but status and
        department (so a remembered count per department and status answers "how many");
        None when it also searches or filters by anything else."""
        if self.q or self.cost_centre or self.category or self.label or self.age or self.due:
            return None
        statuses = frozenset(CUSTODY[self.custody][1]) if self.custody else frozenset(Status.values)
        if self.status:
            statuses &= {self.status}
        return statuses

    def due_label(self) -> str:
        """The due filter in words, for its chip ("" when none is set)."""
        if not self.due:
            return ""
        if self.due == due_rules.NOT_RETURNED:
            return _("not returned %(days)s days after replacement") % {"days": self.days}
        return str(due_rules.KINDS[self.due])

    def sort_param(self, key: str) -> str:
        """The sort parameter a column header links to: toggles when already sorted by it."""
        if key == self.sort and not self.descending:
            return f"-{key}"
        return key


def _custody(chosen: str, *, searching: bool) -> str:
    """The custody set to show: the one chosen; else what the organisation still holds.

    The list is for working with the devices the organisation has, so those that left it
    (resold, donated, recycled, …) or went missing are one choice away, not in the way. A
    search looks everywhere unless told otherwise: a serial number typed in may well be a
    device that left years ago. "" means every asset.
    """
    if chosen in CUSTODY:
        return chosen
    if chosen == ALL_CUSTODY or searching:
        return ""
    return "in"


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
