"""The procurement app's routes (namespace ``procurement``)."""

from kretslopp.procurement.urls_follow_up import urlpatterns as follow_up

app_name = "procurement"
urlpatterns = [*follow_up]
