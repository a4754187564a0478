"""Who may do what with the KPI exchange; decided here, from the one access module's actions.

Reading the comparison and the published figures is everyone's who reads the organisation's
records (the figures are meant for publication). Choosing what is published, naming the
organisation's municipality code and importing peers' files decide which figures leave and
enter the organisation: the methodology's owner does that, the sustainability lead.
"""

from __future__ import annotations

from kretslopp.organisation.access import Access, Action


def may_compare(access: Access) -> bool:
    """Read the comparison page, the published values and their exports."""
    return access.can(Action.VIEW)


def may_publish(access: Access) -> bool:
    """Choose the published values, and import another municipality's file."""
    return access.can(Action.MANAGE_METHODOLOGY)


def require_compare(access: Access) -> None:
    access.require(Action.VIEW)


def require_publish(access: Access) -> None:
    access.require(Action.MANAGE_METHODOLOGY)
