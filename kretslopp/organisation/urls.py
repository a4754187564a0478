from django.urls import path

from kretslopp.organisation import people, views

app_name = "organisation"
urlpatterns = [
    path("departments/", views.department_list, name="departments"),
    path("departments/<str:code>/", views.department_detail, name="department"),
    path("departments/<str:code>/edit/", views.department_edit, name="department_edit"),
    path(
        "departments/<str:code>/cost-centres/new/",
        views.cost_centre_add,
        name="cost_centre_add",
    ),
    path("departments/<str:code>/locations/new/", views.location_add, name="location_add"),
    path("cost-centres/<int:pk>/edit/", views.cost_centre_edit, name="cost_centre_edit"),
    path("locations/<int:pk>/edit/", views.location_edit, name="location_edit"),
    path("people/search/", people.search_view, name="people_search"),
]
