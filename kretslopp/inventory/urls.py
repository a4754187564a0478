from django.urls import path

from kretslopp.inventory import views

app_name = "inventory"
urlpatterns = [
    path("assets/", views.asset_list, name="assets"),
    path("assets/new/", views.asset_create, name="asset_create"),
    path("assets/<int:pk>/", views.asset_detail, name="asset"),
    path("assets/<int:pk>/edit/", views.asset_edit, name="asset_edit"),
    path("assets/<int:pk>/move/", views.asset_move, name="asset_move"),
    path("models/", views.model_list, name="models"),
    path("models/<int:pk>/", views.model_detail, name="model"),
    path("models/new/", views.model_edit, name="model_create"),
    path("models/<int:pk>/edit/", views.model_edit, name="model_edit"),
]
