from django.urls import path

from kretslopp.organisation import views

app_name = "organisation"
urlpatterns = [
    path("departments/", views.department_list, name="departments"),
    path("departments/<str:code>/", views.department_detail, name="department"),
]
