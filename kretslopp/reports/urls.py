from django.urls import path

from kretslopp.reports import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.archive, name="archive"),
    path("reports/new/", views.create, name="create"),
    path("reports/<int:pk>/<str:language>/", views.preview, name="preview"),
    path("reports/<int:pk>/<str:language>/<str:output_format>/", views.download, name="download"),
]
