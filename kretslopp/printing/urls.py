from django.urls import path

from kretslopp.printing import views

app_name = "printing"
urlpatterns = [
    path("printing/", views.overview, name="overview"),
    path("printing/import/", views.upload, name="upload"),
    path("printing/mappings/", views.mappings, name="mappings"),
    path("printing/mappings/<int:pk>/delete/", views.mapping_delete, name="mapping_delete"),
    path("printing/departments/<str:code>/", views.department, name="department"),
]
