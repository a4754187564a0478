from django.urls import path

from kretslopp.energy import vega, views

app_name = "energy"
urlpatterns = [
    path("energy/", views.dashboard, name="dashboard"),
    path("energy/ledger/<int:year>/", views.ledger_year, name="ledger_year"),
    path("energy/departments/<str:code>/", views.department, name="department"),
    path("energy/charter/", views.charter, name="charter"),
    path("energy/readings/", views.readings, name="readings"),
    path("energy/targets/", views.target_list, name="targets"),
    path("energy/targets/new/", views.target_edit, name="target_new"),
    path("energy/targets/<int:pk>/", views.target_detail, name="target"),
    path("energy/targets/<int:pk>/edit/", views.target_edit, name="target_edit"),
    path("energy/targets/<int:pk>/delete/", views.target_delete, name="target_delete"),
    path("energy/targets/<int:pk>/chart.svg", views.target_chart_svg, name="target_svg"),
    path("energy/vega/<str:version>.js", vega.bundle, name="vega"),
]
