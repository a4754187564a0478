from django.urls import path

from kretslopp.imports import export_views, views

app_name = "imports"
urlpatterns = [
    path("imports/", views.upload, name="upload"),
    path("imports/<int:pk>/", views.job_detail, name="job"),
    path("imports/<int:pk>/mapping/", views.remap, name="remap"),
    path("imports/<int:pk>/names/", views.decide_names, name="names"),
    path("imports/<int:pk>/import/", views.confirm, name="confirm"),
    path("imports/<int:pk>/progress/", views.progress_json, name="progress"),
    path("imports/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("imports/<int:pk>/problems.csv", views.error_report, name="errors"),
    path("imports/value-mappings/", views.value_maps, name="value_maps"),
    path(
        "imports/value-mappings/<int:pk>/delete/", views.value_map_delete, name="value_map_delete"
    ),
    path(
        "imports/saved-mappings/<int:pk>/delete/",
        views.saved_mapping_delete,
        name="saved_mapping_delete",
    ),
    path("assets/export/<str:fmt>/", views.export, name="export"),
    path("audit-log/export/<str:fmt>/", export_views.audit_log_export, name="audit_log_export"),
    path("exports/", export_views.export_list, name="exports"),
    path("exports/<int:pk>/", export_views.export_job, name="export_job"),
    path("exports/<int:pk>/progress/", export_views.export_progress, name="export_progress"),
    path("exports/<int:pk>/cancel/", export_views.export_cancel, name="export_cancel"),
    path("exports/<int:pk>/download/", export_views.export_download, name="export_download"),
]
