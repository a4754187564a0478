"""Who may read and make reports (decided with the organisation's roles and actions).

A report is a published document: anyone who may read every department reads the
organisation's reports; a department-bound reader reads their departments' reports. Taking
a snapshot (which fixes the figures for publication) is for whoever answers for the
figures: the methodology's managers.
"""

from __future__ import annotations

from kretslopp.organisation.access import Access, Action
from kretslopp.organisation.models import Role


def may_list(access: Access) -> bool:
    return access.can(Action.VIEW) and not access.is_partner


def may_read(access: Access, department_id: int | None) -> bool:
    """The organisation's report needs every department; a department's, that department."""
    if not may_list(access):
        return False
    if department_id is None:
        return access.all_departments
    return access.covers(department_id)


def may_create(access: Access, department_id: int | None) -> bool:
    return may_read(access, department_id) and access.can(Action.MANAGE_METHODOLOGY)


def may_create_any(access: Access) -> bool:
    """Whether the reader may take any snapshot (the organisation's or a department's)."""
    if access.all_departments:
        return may_create(access, None)
    return any(may_create(access, d) for d in access.department_ids or ())


def may_read_failure_detail(access: Access) -> bool:
    """Why a snapshot failed, in the program's own words (an exception, in English), is for
    administrators, who run the installation and read its log; everyone else is told in a
    sentence what happened and what to do."""
    return access.role == Role.ADMINISTRATOR
