"""Routes of contracts → devices, labels over time, supplier follow-up and criteria sharing.

Included by the app's ``urls.py`` (namespace ``procurement``); every one is in both route
matrices (``organisation/tests/test_route_matrix.py``).
"""

from django.urls import path

from kretslopp.procurement import views_contracts, views_exchange, views_suppliers

urlpatterns = [
    path("procurement/contracts/", views_contracts.contract_list, name="contracts"),
    path("procurement/contracts/<int:pk>/", views_contracts.contract_detail, name="contract"),
    path(
        "procurement/contracts/<int:pk>/orders/add/",
        views_contracts.contract_order_add,
        name="contract_order_add",
    ),
    path(
        "procurement/contracts/<int:contract_pk>/conditions/new/",
        views_contracts.condition_edit,
        name="condition_new",
    ),
    path(
        "procurement/conditions/<int:pk>/edit/",
        views_contracts.condition_edit,
        name="condition_edit",
    ),
    path("procurement/labels/", views_contracts.label_watch, name="labels"),
    path("procurement/suppliers/", views_suppliers.supplier_list, name="suppliers"),
    path("procurement/suppliers/overdue/", views_suppliers.overdue_list, name="overdue"),
    path("procurement/suppliers/<int:pk>/", views_suppliers.supplier_detail, name="supplier"),
    path(
        "procurement/suppliers/<int:pk>/commitments/",
        views_suppliers.commitment_edit,
        name="commitment_edit",
    ),
    path(
        "procurement/suppliers/<int:supplier_pk>/audits/new/",
        views_suppliers.audit_edit,
        name="supplier_audit_new",
    ),
    path("procurement/audits/<int:pk>/", views_suppliers.audit_detail, name="supplier_audit"),
    path(
        "procurement/audits/<int:pk>/edit/",
        views_suppliers.audit_edit,
        name="supplier_audit_edit",
    ),
    path(
        "procurement/audits/<int:audit_pk>/findings/new/",
        views_suppliers.finding_edit,
        name="finding_new",
    ),
    path("procurement/findings/<int:pk>/edit/", views_suppliers.finding_edit, name="finding_edit"),
    path(
        "procurement/findings/<int:finding_pk>/actions/new/",
        views_suppliers.action_edit,
        name="action_new",
    ),
    path("procurement/actions/<int:pk>/edit/", views_suppliers.action_edit, name="action_edit"),
    path(
        "procurement/attachments/<str:kind>/<int:pk>/",
        views_suppliers.attachment,
        name="attachment",
    ),
    path("procurement/criteria-exchange/", views_exchange.criteria_exchange, name="exchange"),
    path(
        "procurement/<int:pk>/criteria.<str:fmt>",
        views_exchange.criteria_export,
        name="criteria_export",
    ),
]
