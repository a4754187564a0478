"""Every page, export and form of the site × every role, probed with another's records.

The matrix is complete by construction: :func:`test_every_route_is_in_the_matrix` lists the
site's URL patterns and fails for one that is neither here nor on the reviewed list of
public routes, so a new view cannot skip the access module unnoticed. (The API's routes
have their own matrix, ``api/tests/test_route_matrix.py``.)

Where a route names a record, the probe names one a department-bound user and a partner
must not reach: the other department's asset, cost centre, location, department, target
and print mapping, the other partner's campaign (only the other department takes part) with
its manifest and discrepancy, the administrator's own import job. So a 200 for the
coordinator or the department viewer on such a route would be a leak. Forms are read with
GET; routes that only take POST are posted empty (a refusal comes before the form is read;
an allowed user gets the form's answer). Each probe runs in a transaction rolled back
afterwards, so no probe changes what the next one sees.

The deeper checks (own versus other record, whether a write happened, what a list holds)
are in ``test_access_matrix.py`` and the apps' own scope tests.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kretslopp.conftest import ROLES

#: The matrix's columns: the town's logins, then a visitor who is not logged in.
COLUMNS = [*ROLES, "anonymous"]

#: Reachable without a login, reviewed one by one: the reason is the review.
PUBLIC = {
    "login": "the sign-in page",
    "logout": "signing out (Django's view; it only ends a session)",
    "set_language": "choosing Swedish or English (Django's view; it only sets a cookie)",
    "circular:public": "the employee page: headline figures only, at an unguessable address, "
    "and only while the campaign is marked public",
    "energy:vega": "the chart library (a static JavaScript bundle served by the app)",
    "organisation:password_set": "a one-time link to set a password: Django's signed, "
    "expiring token is the key (an invalid one gets a page saying so)",
    "organisation:oidc_login": "starts the sign-in at the identity provider (404 when none)",
    "organisation:oidc_callback": "the identity provider's answer: signed in only when the "
    "signed token passes every check and a role maps (404 when none)",
}
#: Mounted here but checked route by route in ``api/tests/test_route_matrix.py``.
API_NAMESPACE = "api"

# The answer per column: administrator, sustainability lead, procurement, coordinator,
# department viewer, viewer of all departments, partner, no role, anonymous (COLUMNS).
# 403: the role lacks the right; 404: the record is outside the user's scope (as a missing
# one); 302: an anonymous visitor sent to the login page (see the test below), the
# partner sent to its campaigns, or an allowed post answered with a redirect.
# "post": the route takes only POST, probed with an empty form.
# fmt: off
ROUTES: dict[str, tuple[str, str]] = {
    # route                            method   adm lea pro coo vie all par non ano
    "audit_log":                      ("get",  "200 200 200 403 403 403 403 403 302"),
    "carbon:decide_match":            ("post", "302 302 302 403 403 403 403 403 302"),
    "carbon:matches":                 ("get",  "200 200 200 200 200 200 403 403 302"),
    "carbon:methodology":             ("get",  "200 200 200 200 200 200 200 403 302"),
    "carbon:model_figures":           ("get",  "200 200 200 403 403 403 403 403 302"),
    "carbon:scenario":                ("get",  "200 200 200 200 200 200 403 403 302"),
    "carbon:settings":                ("get",  "200 200 403 403 403 403 403 403 302"),
    "circular:accept":                ("post", "302 302 403 403 403 403 403 403 302"),
    "circular:add_point":             ("post", "302 302 403 403 403 403 403 403 302"),
    "circular:campaign":              ("get",  "200 200 200 404 404 200 404 403 302"),
    "circular:campaign_create":       ("get",  "200 200 403 403 403 403 403 403 302"),
    "circular:campaign_edit":         ("get",  "200 200 403 403 403 403 403 403 302"),
    "circular:campaigns":             ("get",  "200 200 200 200 200 200 200 403 302"),
    "circular:close":                 ("post", "302 302 403 403 403 403 403 403 302"),
    "circular:collect":               ("get",  "200 403 403 404 403 403 403 403 302"),
    "circular:collect_batch":         ("post", "302 403 403 404 403 403 403 403 302"),
    "circular:collect_unknown":       ("post", "400 403 403 404 403 403 403 403 302"),
    "circular:hand_over":             ("get",  "200 200 403 403 403 403 403 403 302"),
    "circular:lost":                  ("get",  "200 200 200 200 200 200 403 403 302"),
    "circular:manifest":              ("get",  "200 200 200 404 404 200 404 403 302"),
    "circular:manifest_export":       ("get",  "200 200 200 404 404 200 404 403 302"),
    "circular:not_returned":          ("get",  "200 200 200 200 200 200 403 403 302"),
    "circular:report":                ("get",  "200 200 403 404 404 403 404 403 302"),
    "circular:settings":              ("post", "302 302 403 403 403 403 403 403 302"),
    "energy:charter":                 ("get",  "200 200 200 200 200 200 403 403 302"),
    "energy:dashboard":               ("get",  "200 200 200 200 200 200 403 403 302"),
    "energy:department":              ("get",  "200 200 200 404 404 200 404 404 302"),
    "energy:ledger_year":             ("get",  "200 200 200 200 200 200 403 403 302"),
    "energy:readings":                ("get",  "200 200 403 403 403 403 403 403 302"),
    "energy:target":                  ("get",  "200 200 200 404 404 200 403 403 302"),
    "energy:target_delete":           ("post", "302 302 403 403 403 403 403 403 302"),
    "energy:target_edit":             ("get",  "200 200 403 403 403 403 403 403 302"),
    "energy:target_new":              ("get",  "200 200 403 403 403 403 403 403 302"),
    "energy:target_svg":              ("get",  "200 200 200 404 404 200 403 403 302"),
    "energy:targets":                 ("get",  "200 200 200 200 200 200 403 403 302"),
    # The sustainability forum (kretslopp/forum/access.py): organisation-wide readers read
    # every forum, department readers the measures of their departments (the probe's forum
    # has only the other department's), members their forum; the lead chairs and writes.
    "exchange:compare":               ("get",  "200 200 200 200 200 200 403 403 302"),
    "exchange:export":                ("get",  "200 200 200 200 200 200 403 403 302"),
    "exchange:publish":               ("get",  "200 200 403 403 403 403 403 403 302"),
    "forum:attachment":               ("get",  "200 200 200 404 404 200 403 403 302"),
    "forum:attachment_add":           ("post", "200 200 403 403 403 403 403 403 302"),
    "forum:decision_add":             ("post", "200 200 403 403 403 403 403 403 302"),
    "forum:effect_add":               ("post", "200 200 403 404 404 403 403 403 302"),
    "forum:escalation_outcome":       ("post", "200 200 403 403 403 403 403 403 302"),
    "forum:forum":                    ("get",  "200 200 200 404 404 200 403 403 302"),
    "forum:forum_create":             ("get",  "200 200 403 403 403 403 403 403 302"),
    "forum:forum_edit":               ("get",  "200 200 403 403 403 403 403 403 302"),
    "forum:forums":                   ("get",  "200 200 200 200 200 200 403 403 302"),
    "forum:measure":                  ("get",  "200 200 200 404 404 200 403 403 302"),
    "forum:measure_create":           ("get",  "200 200 403 403 403 403 403 403 302"),
    "forum:measure_edit":             ("get",  "200 200 403 403 403 403 403 403 302"),
    "forum:measure_escalate":         ("post", "200 200 403 403 403 403 403 403 302"),
    "forum:measure_move":             ("post", "200 200 403 404 404 403 403 403 302"),
    "forum:measures":                 ("get",  "200 200 200 200 200 200 403 403 302"),
    "forum:meeting":                  ("get",  "200 200 200 404 404 200 403 403 302"),
    "forum:meeting_create":           ("get",  "200 200 403 403 403 403 403 403 302"),
    "forum:meeting_edit":             ("get",  "200 200 403 403 403 403 403 403 302"),
    "forum:member_add":               ("get",  "200 200 403 403 403 403 403 403 302"),
    "forum:member_edit":              ("get",  "200 200 403 403 403 403 403 403 302"),
    "forum:party_add":                ("post", "200 200 403 403 403 403 403 403 302"),
    "forum:task_add":                 ("post", "200 200 403 404 404 403 403 403 302"),
    "forum:task_done":                ("post", "302 302 403 404 404 403 403 403 302"),
    "forum:update_add":               ("post", "200 200 403 404 404 403 403 403 302"),
    # Follow-up: snapshots and the register hold every measure of a forum, so only its whole
    # readers reach them; importing a register is the lead's (its job page, its owner's).
    "forum:register_export":          ("get",  "200 200 200 404 404 200 403 403 302"),
    "forum:register_import":          ("get",  "200 200 403 403 403 403 403 403 302"),
    "forum:register_import_job":      ("get",  "302 404 403 403 403 403 403 403 302"),
    "forum:snapshot":                 ("get",  "200 200 200 404 404 200 403 403 302"),
    "forum:snapshot_export":          ("get",  "200 200 200 404 404 200 403 403 302"),
    "forum:snapshots":                ("get",  "200 200 200 404 404 200 403 403 302"),
    # A partner goes to its campaigns; a login without a role to the page saying whom to ask.
    "home":                           ("get",  "200 200 200 200 200 200 302 302 302"),
    "imports:cancel":                 ("post", "302 404 404 404 403 403 404 403 302"),
    "imports:confirm":                ("post", "302 404 404 404 403 403 404 403 302"),
    "imports:errors":                 ("get",  "200 404 404 404 403 403 404 403 302"),
    "imports:export":                 ("get",  "200 200 200 200 200 200 403 403 302"),
    # Exports written by the worker: the probe's is the administrator's, for them alone.
    "imports:audit_log_export":       ("get",  "200 200 200 403 403 403 403 403 302"),
    "imports:exports":                ("get",  "200 200 200 200 200 200 403 403 302"),
    "imports:export_job":             ("get",  "200 404 404 404 404 404 403 403 302"),
    "imports:export_progress":        ("get",  "200 404 404 404 404 404 403 403 302"),
    "imports:export_cancel":          ("post", "302 404 404 404 404 404 403 403 302"),
    "imports:export_download":        ("get",  "200 404 404 404 404 404 403 403 302"),
    "imports:job":                    ("get",  "200 404 404 404 403 403 404 403 302"),
    "imports:progress":               ("get",  "200 404 404 404 403 403 404 403 302"),
    "imports:remap":                  ("post", "302 404 404 404 403 403 404 403 302"),
    "imports:upload":                 ("get",  "200 200 200 200 403 403 200 403 302"),
    "imports:names":                  ("post", "302 404 404 404 403 403 404 403 302"),
    "imports:saved_mapping_delete":   ("post", "302 302 403 403 403 403 403 403 302"),
    # Value mappings are organisation settings: a status mapping is the managers' alone.
    "imports:value_map_delete":       ("post", "302 302 403 403 403 403 403 403 302"),
    "imports:value_maps":             ("get",  "200 200 403 200 403 403 403 403 302"),
    "inventory:asset":                ("get",  "200 200 200 404 404 200 403 403 302"),
    "inventory:asset_create":         ("get",  "200 403 403 200 403 403 403 403 302"),
    "inventory:asset_edit":           ("get",  "200 403 403 404 404 403 404 404 302"),
    "inventory:asset_move":           ("post", "302 403 403 404 404 403 404 404 302"),
    "inventory:assets":               ("get",  "200 200 200 200 200 200 403 403 302"),
    "inventory:model":                ("get",  "200 200 200 200 200 200 403 403 302"),
    "inventory:model_create":         ("get",  "200 403 200 403 403 403 403 403 302"),
    "inventory:model_edit":           ("get",  "200 403 200 403 403 403 403 403 302"),
    "inventory:models":               ("get",  "200 200 200 200 200 200 403 403 302"),
    # One's own account: everyone logged in; tokens of one's own only (another's is 404).
    "organisation:account":           ("get",  "200 200 200 200 200 200 200 200 302"),
    "organisation:password_change":   ("get",  "200 200 200 200 200 200 200 200 302"),
    "organisation:token_revoke":      ("post", "302 404 404 404 404 404 404 403 302"),
    # People, logins, partners and roles from the identity provider: administrators.
    "organisation:claim_rule":        ("get",  "200 403 403 403 403 403 403 403 302"),
    "organisation:claim_rule_create": ("get",  "200 403 403 403 403 403 403 403 302"),
    "organisation:claim_rule_delete": ("post", "302 403 403 403 403 403 403 403 302"),
    "organisation:claim_rules":       ("get",  "200 403 403 403 403 403 403 403 302"),
    "organisation:department_create": ("get",  "200 403 403 403 403 403 403 403 302"),
    "organisation:no_role":           ("get",  "302 302 302 302 302 302 302 200 302"),
    "organisation:partner":           ("get",  "200 403 403 403 403 403 403 403 302"),
    "organisation:partner_create":    ("get",  "200 403 403 403 403 403 403 403 302"),
    "organisation:partners":          ("get",  "200 403 403 403 403 403 403 403 302"),
    "organisation:people":            ("get",  "200 403 403 403 403 403 403 403 302"),
    "organisation:person":            ("get",  "200 403 403 403 403 403 403 403 302"),
    "organisation:person_active":     ("post", "302 403 403 403 403 403 403 403 302"),
    "organisation:person_create":     ("get",  "200 403 403 403 403 403 403 403 302"),
    "organisation:person_password_link": ("post", "200 403 403 403 403 403 403 403 302"),
    "organisation:cost_centre_add":   ("get",  "200 403 403 403 403 403 403 403 302"),
    "organisation:cost_centre_edit":  ("get",  "200 403 403 403 403 403 403 403 302"),
    "organisation:department":        ("get",  "200 200 200 404 404 200 403 403 302"),
    "organisation:department_edit":   ("get",  "200 403 403 403 403 403 403 403 302"),
    "organisation:departments":       ("get",  "200 200 200 200 200 200 403 403 302"),
    "organisation:location_add":      ("get",  "200 403 403 403 403 403 403 403 302"),
    "organisation:location_edit":     ("get",  "200 403 403 403 403 403 403 403 302"),
    "organisation:people_search":     ("get",  "200 403 403 200 403 403 403 403 302"),
    # Procurement follow-up: contracts and labels for every reader of their own devices;
    # suppliers, audits and sharing for procurement (writes) and the sustainability lead.
    "procurement:action_edit":        ("get",  "200 403 200 403 403 403 403 403 302"),
    "procurement:action_new":         ("get",  "200 403 200 403 403 403 403 403 302"),
    "procurement:attachment":         ("get",  "404 404 404 403 403 403 403 403 302"),
    "procurement:commitment_edit":    ("get",  "200 403 200 403 403 403 403 403 302"),
    "procurement:condition_edit":     ("get",  "200 403 200 403 403 403 403 403 302"),
    "procurement:condition_new":      ("get",  "200 403 200 403 403 403 403 403 302"),
    "procurement:contract":           ("get",  "200 200 200 404 404 200 403 403 302"),
    "procurement:contract_order_add": ("post", "302 403 302 403 403 403 403 403 302"),
    "procurement:contracts":          ("get",  "200 200 200 200 200 200 403 403 302"),
    "procurement:criteria_export":    ("get",  "200 200 200 403 403 403 403 403 302"),
    "procurement:exchange":           ("get",  "200 200 200 403 403 403 403 403 302"),
    "procurement:finding_edit":       ("get",  "200 403 200 403 403 403 403 403 302"),
    "procurement:finding_new":        ("get",  "200 403 200 403 403 403 403 403 302"),
    "procurement:labels":             ("get",  "200 200 200 200 200 200 403 403 302"),
    "procurement:overdue":            ("get",  "200 200 200 403 403 403 403 403 302"),
    "procurement:supplier":           ("get",  "200 200 200 403 403 403 403 403 302"),
    "procurement:supplier_audit":     ("get",  "200 200 200 403 403 403 403 403 302"),
    "procurement:supplier_audit_edit": ("get", "200 403 200 403 403 403 403 403 302"),
    "procurement:supplier_audit_new": ("get",  "200 403 200 403 403 403 403 403 302"),
    "procurement:suppliers":          ("get",  "200 200 200 403 403 403 403 403 302"),
    "printing:department":            ("get",  "200 200 200 404 404 200 404 404 302"),
    "printing:mapping_delete":        ("post", "302 302 403 403 403 403 403 403 302"),
    "printing:mappings":              ("get",  "200 200 200 200 200 200 403 403 302"),
    "printing:overview":              ("get",  "200 200 200 200 200 200 403 403 302"),
    "printing:upload":                ("get",  "200 200 403 403 403 403 403 403 302"),
    # Reports: the organisation's for readers of every department; the probe's snapshot is
    # the other department's, so a department-bound reader gets 404.
    "reports:archive":                ("get",  "200 200 200 200 200 200 403 403 302"),
    "reports:create":                 ("post", "302 302 403 403 403 403 403 403 302"),
    "reports:preview":                ("get",  "200 200 200 404 404 200 404 404 302"),
    "reports:download":               ("get",  "200 200 200 404 404 200 404 404 302"),
    # The criteria library is public knowledge: every reader; edited by procurement.
    "procurement:criteria":           ("get",  "200 200 200 200 200 200 403 403 302"),
    "procurement:criterion":          ("get",  "200 200 200 200 200 200 403 403 302"),
    "procurement:criterion_edit":     ("get",  "200 403 200 403 403 403 403 403 302"),
    # Procurements hold bidders' prices: procurement and the sustainability lead read them.
    "procurement:decide":             ("post", "302 403 302 403 403 403 403 403 302"),
    "procurement:evaluation":         ("get",  "200 200 200 403 403 403 403 403 302"),
    "procurement:offer":              ("get",  "200 200 200 403 403 403 403 403 302"),
    "procurement:offer_form":         ("get",  "200 403 200 403 403 403 403 403 302"),
    "procurement:offer_line_add":     ("get",  "200 403 200 403 403 403 403 403 302"),
    "procurement:offer_upload":       ("get",  "200 403 200 403 403 403 403 403 302"),
    "procurement:procurement":        ("get",  "200 200 200 403 403 403 403 403 302"),
    "procurement:procurement_create": ("get",  "200 403 200 403 403 403 403 403 302"),
    "procurement:procurement_edit":   ("get",  "200 403 200 403 403 403 403 403 302"),
    "procurement:procurements":       ("get",  "200 200 200 403 403 403 403 403 302"),
    "procurement:protocol":           ("get",  "200 200 200 403 403 403 403 403 302"),
    "procurement:protocol_export":    ("get",  "200 200 200 403 403 403 403 403 302"),
    "procurement:use_add":            ("get",  "200 403 200 403 403 403 403 403 302"),
    "procurement:use_edit":           ("get",  "200 403 200 403 403 403 403 403 302"),
    "procurement:use_remove":         ("post", "302 403 302 403 403 403 403 403 302"),
}
# fmt: on


#: Which record a route's ``<pk>`` is: by route name, else by the route's app.
PK_RECORD = {
    "inventory:model": "model",
    "inventory:model_edit": "model",
    "organisation:cost_centre_edit": "cost_centre",
    "organisation:location_edit": "location",
    "organisation:person": "login",
    "organisation:person_active": "login",
    "organisation:person_password_link": "login",
    "organisation:partner": "partner",
    "organisation:claim_rule": "claim_rule",
    "organisation:claim_rule_delete": "claim_rule",
    "organisation:token_revoke": "token",
    "imports:value_map_delete": "value_map",
    "imports:saved_mapping_delete": "saved_mapping",
    "imports:export_job": "export_job",
    "imports:export_progress": "export_job",
    "imports:export_cancel": "export_job",
    "imports:export_download": "export_job",
    "procurement:action_edit": "corrective_action",
    "procurement:condition_edit": "condition",
    "procurement:contract": "contract",
    "procurement:contract_order_add": "contract",
    "procurement:commitment_edit": "supplier",
    "procurement:supplier": "supplier",
    "procurement:supplier_audit": "supplier_audit",
    "procurement:supplier_audit_edit": "supplier_audit",
    "procurement:finding_edit": "finding",
    "procurement:attachment": "supplier_audit",
    "procurement:criteria_export": "procurement",
    "inventory": "asset",
    "carbon": "model",
    "circular": "campaign",
    "energy": "target",
    "imports": "job",
    "printing": "print_mapping",
    "forum": "measure",
    "forum:forum": "forum",
    "forum:forum_edit": "forum",
    "forum:member_add": "forum",
    "forum:meeting_create": "forum",
    "forum:measure_create": "forum",
    "forum:member_edit": "forum_member",
    "forum:meeting": "meeting",
    "forum:meeting_edit": "meeting",
    "forum:attachment_add": "meeting",
    "forum:decision_add": "meeting",
    "forum:attachment": "attachment",
    "forum:escalation_outcome": "escalation",
    "forum:task_done": "task",
    "forum:snapshots": "forum",
    "forum:register_export": "forum",
    "forum:snapshot": "snapshot",
    "forum:snapshot_export": "snapshot",
    "forum:register_import_job": "register_job",
    "procurement:criterion": "criterion",
    "procurement:criterion_edit": "criterion",
    "procurement": "procurement",
    "reports": "report_snapshot",
}
#: The other URL parameters: which record (or value) each names.
PARAMETER_RECORD = {
    "code": "department",
    "manifest_pk": "manifest",
    "discrepancy_pk": "discrepancy",
    "slug": "slug",
    "fmt": "fmt",
    "year": "year",
    "contract_pk": "contract",
    "supplier_pk": "supplier",
    "audit_pk": "supplier_audit",
    "finding_pk": "finding",
    "kind": "kind",
    "use_pk": "criterion_use",
    "offer_pk": "offer",
    "language": "language",
    "output_format": "output_format",
}


def _args(name: str, ids: dict[str, object]) -> list[object]:
    """The URL arguments of route ``name``, naming the probe's records."""
    values = []
    for parameter in _patterns()[name].pattern.converters:
        if parameter == "pk":
            record = PK_RECORD.get(name) or PK_RECORD.get(name.split(":")[0])
        else:
            record = PARAMETER_RECORD.get(parameter)
        assert record is not None, (
            f"{name}: say in PK_RECORD or PARAMETER_RECORD what <{parameter}> is"
        )
        values.append(ids[record])
    return values


def _walk(patterns, namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if pattern.namespace and namespace:
                inner = f"{namespace}:{pattern.namespace}"
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def _patterns() -> dict[str, URLPattern]:
    """The site's named URL patterns outside the API, by their full name."""
    found = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        if name is None or name.split(":")[0] == API_NAMESPACE:
            continue
        found[name] = pattern
    return found


def _probe(client, method: str, url: str) -> int:
    """One request, its writes undone afterwards."""
    with transaction.atomic():
        response = getattr(client, method)(url)
        transaction.set_rollback(True)
    return response.status_code


def _answers(client, ids, names) -> dict[str, int]:
    from kretslopp.energy import ledger

    ledger.forget()
    answers = {}
    for name in names:
        method = ROUTES[name][0]
        answers[name] = _probe(client, method, reverse(name, args=_args(name, ids)))
    ledger.forget()
    return answers


@pytest.mark.django_db
@pytest.mark.parametrize("column", range(len(COLUMNS)), ids=COLUMNS)
def test_every_route_answers_each_role_as_the_matrix_says(town, world, client, column):
    if COLUMNS[column] != "anonymous":
        client.force_login(town.users[COLUMNS[column]])
    got = _answers(client, world.ids, ROUTES)
    assert got == {
        name: int(answers.split()[column]) for name, (_method, answers) in ROUTES.items()
    }


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page_from_every_route(town, world, client):
    login = reverse("login")
    for name, (method, _answers) in ROUTES.items():
        url = reverse(name, args=_args(name, world.ids))
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(f"{login}?next="), name


def test_every_route_is_in_the_matrix():
    """A new page must join the matrix (or, if it is public, the reviewed list)."""
    names = set(_patterns())
    missing = sorted(names - set(ROUTES) - set(PUBLIC))
    assert not missing, f"Add these routes to ROUTES in {__name__}: {missing}"
    stale = sorted((set(ROUTES) | set(PUBLIC)) - names)
    assert not stale, f"These routes no longer exist: {stale}"
    assert not set(ROUTES) & set(PUBLIC)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "viewer"])
def test_lists_and_exports_filtered_to_another_department_hold_nothing(town, world, login, role):
    """Filters that name the other department, its cost centre or its asset find nothing."""
    from kretslopp.conftest import downloaded, make_asset
    from kretslopp.tabular import open_table

    client = login(town.users[role])
    for query in (
        {"department": town.other.code},
        {"cost_centre": "MF-1"},
        {"q": town.other_asset.asset_tag},
        {"q": town.other_asset.serial_number},
    ):
        page = client.get(reverse("inventory:assets"), query)
        assert not page.context["page"].object_list, query
        for fmt in ("csv", "xlsx"):
            export = client.get(reverse("imports:export", args=[fmt]), query)
            assert not list(open_table(downloaded(export), f"a.{fmt}").rows()), (query, fmt)
    make_asset("LOST-GRF", town.laptop, town.own, status="lost")
    make_asset("LOST-MF", town.laptop, town.other, status="stolen")
    export = client.get(reverse("circular:lost"), {"format": "csv", "department": town.other.code})
    tags = [row.values[1] for row in open_table(downloaded(export), "r.csv").rows()]
    assert tags == ["LOST-GRF"]
