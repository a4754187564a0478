"""``kretslopp createadmin USERNAME``: the first administrator of a fresh installation.

With a password (asked twice, checked by the password validators; ``--no-input`` reads
``KRETSLOPP_ADMIN_PASSWORD`` instead, for scripts), or with ``--from-oidc``: no password at
all, and the first sign-in with the identity provider whose user name (``preferred_username``
or ``upn``) is USERNAME — or ``--idp-username`` — becomes this administrator, tied from then
on to that person's stable ids. The role is given by hand, so the identity provider's claims
never take it away: the installation keeps a way in.
"""

from __future__ import annotations

import getpass
import os
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kretslopp.core import audit
from kretslopp.organisation.logins import record_login_created
from kretslopp.organisation.models import Membership, Role, SignInIdentity

PASSWORD_VARIABLE = "KRETSLOPP_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = "Create an administrator login (the first one of a fresh installation)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="The administrator's e-mail address.")
        parser.add_argument(
            "--from-oidc",
            action="store_true",
            help="No password: the first sign-in with the identity provider as this user "
            "becomes the administrator.",
        )
        parser.add_argument(
            "--idp-username",
            default="",
            help="With --from-oidc: the user name at the identity provider, if it differs "
            "from USERNAME (for example anna.andersson@malmo.se).",
        )
        parser.add_argument(
            "--no-input",
            action="store_true",
            help=f"Do not prompt: the password comes from {PASSWORD_VARIABLE}.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"].strip()
        users = get_user_model()
        if not username:
            raise CommandError("Give the administrator's user name.")
        if users.objects.filter(username__iexact=username).exists():
            raise CommandError(
                f"There is already a login named {username}: give it the administrator role "
                "on the people pages, or choose another name."
            )
        user = users(username=username, email=options["email"])
        idp_username = ""
        if options["from_oidc"]:
            idp_username = (options["idp_username"] or username).strip()
            user.set_unusable_password()
        else:
            user.set_password(self._password(user, options["no_input"]))
        with transaction.atomic(), audit.acting_as(None):
            user.save()
            record_login_created(user, by=None)
            Membership.objects.create(user=user, role=Role.ADMINISTRATOR)
            if idp_username:
                SignInIdentity.objects.create(user=user, issuer="", pending_username=idp_username)
        if idp_username:
            self.stdout.write(
                f"Administrator {username} created. The first sign-in with the identity "
                f"provider as {idp_username} becomes this administrator."
            )
        else:
            self.stdout.write(f"Administrator {username} created. Log in with the password.")

    def _password(self, user: Any, no_input: bool) -> str:
        if no_input:
            password = os.environ.get(PASSWORD_VARIABLE, "")
            if not password:
                raise CommandError(f"--no-input needs the password in {PASSWORD_VARIABLE}.")
            self._check(password, user)
            return password
        for _attempt in range(3):
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The two passwords differ. Try again.")
                continue
            try:
                self._check(password, user)
            except CommandError as error:
                self.stderr.write(str(error))
                continue
            return password
        raise CommandError("No password set; nothing was created.")

    @staticmethod
    def _check(password: str, user: Any) -> None:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
