from django.urls import path

from kretslopp.forum import followup_urls, measure_views, views

app_name = "forum"
urlpatterns = [
    path("forum/", views.forums, name="forums"),
    path("forum/new/", views.forum_create, name="forum_create"),
    path("forum/<int:pk>/", views.forum, name="forum"),
    path("forum/<int:pk>/edit/", views.forum_edit, name="forum_edit"),
    path("forum/<int:pk>/members/new/", views.member_add, name="member_add"),
    path("forum/members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("forum/<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("forum/meetings/<int:pk>/", views.meeting, name="meeting"),
    path("forum/meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("forum/meetings/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("forum/meetings/<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("forum/attachments/<int:pk>/", views.attachment, name="attachment"),
    path("forum/measures/", measure_views.measures, name="measures"),
    path("forum/<int:pk>/measures/new/", measure_views.measure_create, name="measure_create"),
    path("forum/measures/<int:pk>/", measure_views.measure, name="measure"),
    path("forum/measures/<int:pk>/edit/", measure_views.measure_edit, name="measure_edit"),
    path("forum/measures/<int:pk>/status/", measure_views.measure_move, name="measure_move"),
    path(
        "forum/measures/<int:pk>/escalate/",
        measure_views.measure_escalate,
        name="measure_escalate",
    ),
    path(
        "forum/escalations/<int:pk>/outcome/",
        measure_views.escalation_outcome,
        name="escalation_outcome",
    ),
    path("forum/measures/<int:pk>/tasks/", measure_views.task_add, name="task_add"),
    path("forum/tasks/<int:pk>/done/", measure_views.task_done, name="task_done"),
    path("forum/measures/<int:pk>/updates/", measure_views.update_add, name="update_add"),
    path("forum/measures/<int:pk>/effects/", measure_views.effect_add, name="effect_add"),
    path("forum/measures/<int:pk>/parties/", measure_views.party_add, name="party_add"),
]
# Follow-up: period snapshots, the register's export and import.
urlpatterns += followup_urls.urlpatterns
