"""Take-back pages under /takeback/, and the short public address /t/<slug>/."""

from django.urls import path

from kretslopp.circular.views import campaigns, custody, public, routines

app_name = "circular"
urlpatterns = [
    path("takeback/", campaigns.campaign_list, name="campaigns"),
    path("takeback/new/", campaigns.campaign_form, name="campaign_create"),
    path("takeback/<int:pk>/", campaigns.campaign_detail, name="campaign"),
    path("takeback/<int:pk>/edit/", campaigns.campaign_form, name="campaign_edit"),
    path("takeback/<int:pk>/points/", campaigns.add_collection_point, name="add_point"),
    path("takeback/<int:pk>/close/", campaigns.close_campaign, name="close"),
    path(
        "takeback/<int:pk>/discrepancies/<int:discrepancy_pk>/accept/",
        campaigns.accept_discrepancy,
        name="accept",
    ),
    path("takeback/<int:pk>/collect/", custody.collect, name="collect"),
    path("takeback/<int:pk>/collect/batch/", custody.collect_batch, name="collect_batch"),
    path("takeback/<int:pk>/collect/unknown/", custody.collect_unknown, name="collect_unknown"),
    path("takeback/<int:pk>/hand-over/", custody.hand_over, name="hand_over"),
    path(
        "takeback/<int:pk>/manifests/<int:manifest_pk>/", custody.manifest_detail, name="manifest"
    ),
    path(
        "takeback/<int:pk>/manifests/<int:manifest_pk>/export.<str:fmt>",
        custody.manifest_export,
        name="manifest_export",
    ),
    path("takeback/<int:pk>/report/", custody.partner_report, name="report"),
    path("takeback/not-returned/", routines.not_returned, name="not_returned"),
    path("takeback/not-returned/settings/", routines.save_settings, name="settings"),
    path("takeback/lost/", routines.lost_register, name="lost"),
    path("t/<slug:slug>/", public.public_campaign, name="public"),
]
