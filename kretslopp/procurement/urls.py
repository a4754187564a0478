from django.urls import path

from . import views
from .urls_follow_up import urlpatterns as follow_up

app_name = "procurement"

urlpatterns = [
    path("procurement/criteria/", views.criteria, name="criteria"),
    path("procurement/criteria/<int:pk>/", views.criterion, name="criterion"),
    path("procurement/criteria/<int:pk>/edit/", views.criterion_edit, name="criterion_edit"),
    path("procurement/", views.procurements, name="procurements"),
    path("procurement/new/", views.procurement_create, name="procurement_create"),
    path("procurement/<int:pk>/", views.procurement, name="procurement"),
    path("procurement/<int:pk>/edit/", views.procurement_edit, name="procurement_edit"),
    path("procurement/<int:pk>/criteria/add/", views.criterion_use_add, name="use_add"),
    path(
        "procurement/<int:pk>/criteria/<int:use_pk>/edit/",
        views.criterion_use_edit,
        name="use_edit",
    ),
    path(
        "procurement/<int:pk>/criteria/<int:use_pk>/remove/",
        views.criterion_use_remove,
        name="use_remove",
    ),
    path("procurement/<int:pk>/offer-form.xlsx", views.offer_form, name="offer_form"),
    path("procurement/<int:pk>/offers/upload/", views.offer_upload, name="offer_upload"),
    path("procurement/<int:pk>/offers/<int:offer_pk>/", views.offer, name="offer"),
    path("procurement/<int:pk>/offers/add-line/", views.offer_line_add, name="offer_line_add"),
    path("procurement/<int:pk>/evaluation/", views.evaluation, name="evaluation"),
    path("procurement/<int:pk>/evaluation/decide/", views.decide, name="decide"),
    path("procurement/<int:pk>/protocol/", views.protocol_page, name="protocol"),
    path("procurement/<int:pk>/protocol.xlsx", views.protocol_export, name="protocol_export"),
    # Contracts with their devices, labels over time, supplier follow-up, criteria sharing.
    *follow_up,
]
