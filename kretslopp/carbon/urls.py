from django.urls import path

from kretslopp.carbon import views

app_name = "carbon"
urlpatterns = [
    path("methodology/", views.methodology, name="methodology"),
    path("methodology/settings/", views.settings_form, name="settings"),
    path("methodology/scenario/", views.lifetime_scenario, name="scenario"),
    path("methodology/matches/", views.match_review, name="matches"),
    path("models/<int:pk>/match/", views.decide_match, name="decide_match"),
    path("models/<int:pk>/figures/", views.model_figures, name="model_figures"),
]
