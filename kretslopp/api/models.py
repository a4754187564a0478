"""API tokens: a login's key for scripts and other systems, stored only as a hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from enum import StrEnum

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kretslopp.core import audit

# Every secret starts with this marker, so a leaked one is recognisable in logs and scanners.
SECRET_MARKER = "krl_"
# Characters of the secret kept in clear text, to tell tokens apart in lists and logs.
PREFIX_LENGTH = len(SECRET_MARKER) + 8
DEFAULT_LIFETIME_DAYS = 90
MAX_LIFETIME_DAYS = 366
# A token's last use is written at most this often, so reads do not all turn into writes.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class Scope(StrEnum):
    READ = "read"  # GET: read what the owner's role and departments allow
    WRITE = "write"  # POST, PATCH: change what the owner's role and departments allow


def digest(secret: str) -> str:
    """SHA-256 of the secret: enough for a 256-bit random secret, and indexable for lookup."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now: dt.datetime | None = None) -> ApiTokenQuerySet:
        return self.filter(
            revoked_at__isnull=True, expires_at__gt=now or timezone.now(), user__is_active=True
        )


class ApiToken(models.Model):
    """A login's API key; it acts with exactly the owner's access, narrowed by its scopes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What or who uses it."))
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.CharField(_("scopes"), max_length=50, help_text=_("Space-separated."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    def is_usable(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now and self.user.is_active

    @classmethod
    def issue(
        cls,
        user,
        name: str,
        scopes: set[str] | frozenset[str],
        days: int = DEFAULT_LIFETIME_DAYS,
        *,
        by=None,
    ) -> tuple[ApiToken, str]:
        """Create a token and return it with its secret: the only time the secret exists."""
        unknown = set(scopes) - {scope.value for scope in Scope}
        if unknown or not scopes:
            raise ValueError(f"Scopes must be among read, write; got {sorted(scopes)}.")
        if not 1 <= days <= MAX_LIFETIME_DAYS:
            raise ValueError(f"A token lives 1 to {MAX_LIFETIME_DAYS} days; got {days}.")
        secret = SECRET_MARKER + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=secret[:PREFIX_LENGTH],
            key_hash=digest(secret),
            scopes=" ".join(sorted(scopes)),
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        audit.record(token, "create", token.audit_fields(), actor=by)
        return token, secret

    @classmethod
    def find(cls, secret: str) -> ApiToken | None:
        """The usable token with this secret, or None; notes when it was last used."""
        if not secret.startswith(SECRET_MARKER):
            return None
        now = timezone.now()
        token = (
            cls.objects.usable(now)
            .select_related("user__membership")
            .filter(key_hash=digest(secret))
        )
        found = token.first()
        if found is not None and (
            found.last_used_at is None or now - found.last_used_at >= LAST_USED_RESOLUTION
        ):
            # A plain UPDATE: not a change anyone needs in the audit trail.
            cls.objects.filter(pk=found.pk).update(last_used_at=now)
            found.last_used_at = now
        return found

    def revoke(self, *, by=None) -> None:
        """Stop the token working from now on; it stays listed, marked revoked."""
        if self.revoked_at is not None:
            return
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
        audit.record(self, "update", {"revoked_at": [None, self.revoked_at.isoformat()]}, actor=by)

    def audit_fields(self) -> dict[str, list]:
        """What the audit trail keeps of a token: never the hash."""
        return {
            "user": [None, self.user.get_username()],
            "name": [None, self.name],
            "prefix": [None, self.prefix],
            "scopes": [None, self.scopes],
            "expires_at": [None, self.expires_at.isoformat()],
        }
