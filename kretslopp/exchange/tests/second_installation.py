"""Steps of the second installation in ``test_two_installations.py``, each a process of its own.

Run with ``KRETSLOPP_DATABASE_URL`` naming the second installation's database (which
``kretslopp migrate`` has made):

* ``python -m kretslopp.exchange.tests.second_installation prepare`` adds what a fresh
  installation's administrator sets up first: the organisation with its head count, our
  municipality code for the exchange, and the sustainability lead's login;
* ``… page PATH`` prints the page at PATH as the sustainability lead sees it (through every
  middleware, in the default language), after a first line with the status code.

Only what a person would do by hand is done here; the file itself goes in through the real
``kretslopp import kpi-exchange`` command.
"""

from __future__ import annotations

import os
import sys

LEAD = "lund-hallbarhet"
ORGANISATION = "Lunds kommun"
MUNICIPALITY_CODE = "1281"  # Lund's code in Kolada and SCB's register


def prepare() -> None:
    from django.contrib.auth import get_user_model

    from kretslopp.exchange.models import Publisher
    from kretslopp.organisation.models import Membership, Organisation, Role

    Organisation.objects.create(name=ORGANISATION, employees=12_000)
    Publisher.objects.create(municipality_code=MUNICIPALITY_CODE, name=ORGANISATION)
    lead = get_user_model().objects.create_user(username=LEAD, password="x" * 24)
    Membership.objects.create(user=lead, role=Role.SUSTAINABILITY_LEAD)


def page(path: str) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the client's host name "testserver" in, nothing else
    client = Client()
    client.force_login(get_user_model().objects.get(username=LEAD))
    response = client.get(path)
    print(response.status_code)
    print(response.content.decode())


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kretslopp.settings")
    import django

    django.setup()
    step, *arguments = sys.argv[1:]
    {"prepare": prepare, "page": page}[step](*arguments)
