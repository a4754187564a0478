"""``kretslopp apitoken create|list|revoke``: API tokens for scripts and other systems.

The secret is printed once, at creation; Kretslopp keeps only its hash, so a lost secret
is replaced by revoking the token and creating a new one.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from kretslopp.api.models import DEFAULT_LIFETIME_DAYS, MAX_LIFETIME_DAYS, ApiToken, Scope


class Command(BaseCommand):
    help = "Create, list and revoke API tokens."
    # A domain command starts at once: the system checks are `kretslopp check`'s job.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token; prints its secret once.")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="What or who uses the token.")
        create.add_argument(
            "--scope",
            action="append",
            choices=[scope.value for scope in Scope],
            required=True,
            help="read and/or write; repeat for both.",
        )
        create.add_argument(
            "--days",
            type=int,
            default=DEFAULT_LIFETIME_DAYS,
            help=f"Lifetime in days (1–{MAX_LIFETIME_DAYS}, default {DEFAULT_LIFETIME_DAYS}).",
        )
        listing = actions.add_parser("list", help="List tokens (never their secrets).")
        listing.add_argument("username", nargs="?", help="Only this login's tokens.")
        revoke = actions.add_parser("revoke", help="Revoke a token by id or prefix.")
        revoke.add_argument("token", help="The id or the prefix shown by 'list'.")

    def handle(self, *args: Any, **options: Any) -> None:
        {"create": self.create, "list": self.list, "revoke": self.revoke}[options["action"]](
            options
        )

    def create(self, options: dict[str, Any]) -> None:
        user = _user(options["username"])
        try:
            token, secret = ApiToken.issue(
                user, options["name"], set(options["scope"]), options["days"]
            )
        except ValueError as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(
            f"Token {token.pk} '{token.name}' for {user.get_username()}, "
            f"scopes {token.scopes}, expires {token.expires_at:%Y-%m-%d}."
        )
        self.stdout.write("The secret is shown only now; store it safely:")
        self.stdout.write(secret)

    def list(self, options: dict[str, Any]) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
        if options.get("username"):
            tokens = tokens.filter(user=_user(options["username"]))
        now = timezone.now()
        self.stdout.write("id\tprefix\tuser\tname\tscopes\tcreated\tlast used\texpires\tstate")
        for token in tokens:
            self.stdout.write(
                "\t".join(
                    [
                        str(token.pk),
                        token.prefix,
                        token.user.get_username(),
                        token.name,
                        token.scopes,
                        f"{token.created_at:%Y-%m-%d}",
                        f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "-",
                        f"{token.expires_at:%Y-%m-%d}",
                        _state(token, now),
                    ]
                )
            )

    def revoke(self, options: dict[str, Any]) -> None:
        given = options["token"]
        match = Q(prefix=given) | (Q(pk=int(given)) if given.isdigit() else Q())
        found = list(ApiToken.objects.filter(match)[:2])
        if len(found) != 1:
            raise CommandError(f"No single token matches '{given}'; see 'apitoken list'.")
        found[0].revoke()
        self.stdout.write(f"Token {found[0]} revoked.")


def _user(username: str):
    try:
        return get_user_model().objects.get_by_natural_key(username)
    except get_user_model().DoesNotExist as missing:
        raise CommandError(f"No login named '{username}'.") from missing


def _state(token: ApiToken, now) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at <= now:
        return "expired"
    return "active" if token.user.is_active else "owner inactive"
