"""A superuser is an administrator: ``kretslopp createsuperuser`` gives a working login.

Roles live in :class:`Membership`, so a superuser without one would see nothing. The
membership is made when the creating transaction commits, and only if none exists by then:
code that creates a superuser and its membership together (the demo) keeps its own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_save


def _make_administrator(user_id: int) -> None:
    from kretslopp.organisation.models import Membership, Role

    if get_user_model().objects.filter(pk=user_id, is_superuser=True).exists():
        Membership.objects.get_or_create(user_id=user_id, defaults={"role": Role.ADMINISTRATOR})


def _superuser_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created and instance.is_superuser and not kwargs.get("raw"):
        transaction.on_commit(lambda: _make_administrator(instance.pk))


def connect() -> None:
    post_save.connect(
        _superuser_saved, sender=get_user_model(), dispatch_uid="organisation-superuser-admin"
    )
