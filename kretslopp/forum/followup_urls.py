"""Routes of the forum's follow-up pages (mounted by :mod:`kretslopp.forum.urls`)."""

from django.urls import path

from kretslopp.forum import followup_views as views

urlpatterns = [
    path("forum/<int:pk>/snapshots/", views.snapshot_list, name="snapshots"),
    path("forum/snapshots/<int:pk>/", views.snapshot_detail, name="snapshot"),
    path(
        "forum/snapshots/<int:pk>/export/<str:fmt>/",
        views.snapshot_export,
        name="snapshot_export",
    ),
    path("forum/<int:pk>/register/<str:fmt>/", views.register_export, name="register_export"),
    path("forum/register/import/", views.register_import, name="register_import"),
    path(
        "forum/register/import/<int:pk>/",
        views.register_import_job,
        name="register_import_job",
    ),
]
