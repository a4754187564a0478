"""What every ``kretslopp import <source>`` subcommand shares: who it acts as, and which
saved column mapping it uses.

A domain that owns an import registers its subcommand in ``registry.import_commands`` (see
``docs/architecture.md``) and uses these helpers, so the rules are the same for every
source: without ``--user`` an import acts as the system, with an administrator's reach;
with it, as that user within their role and departments.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from kretslopp.imports import runs
from kretslopp.imports.models import SavedMapping
from kretslopp.imports.pipeline import ImportResult
from kretslopp.organisation.access import Access, Action, access_for


def acting_user(username: str | None, action: Action, doing: str) -> tuple[Any, Access]:
    """The user an import acts as: nobody with an administrator's reach, or ``--user``."""
    if not username:
        return None, runs.SYSTEM_ACCESS
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"there is no active user {username!r}")
    access = access_for(user)
    if not access.can(action):
        raise CommandError(f"{username!r} may not {doing}")
    return user, access


def saved_mapping(name: str | None, target: str) -> SavedMapping | None:
    """The column mapping saved under ``name`` for ``target`` (None without a name)."""
    try:
        return runs.saved_mapping(name, target)
    except runs.UnknownMapping as error:
        raise CommandError(str(error)) from None


def import_file_as(
    target: str,
    options: Mapping[str, Any],
    action: Action,
    doing: str,
    job_options: Mapping[str, Any] | None = None,
) -> ImportResult:
    """``options["file"]`` into ``target`` as ``--user`` (or the system), as a job of the one
    pipeline, with ``--mapping`` and ``--dry-run`` where the subcommand offers them."""
    user, access = acting_user(options.get("user"), action, doing)
    path: Path = options["file"]
    return runs.import_file(
        target,
        path,
        path.name,
        access=access,
        actor=user,
        options=job_options,
        dry_run=options.get("dry_run", False),
        saved=saved_mapping(options.get("mapping"), target),
    )
