from django.urls import path

from kretslopp.forum import followup_urls

app_name = "forum"
urlpatterns: list = []
urlpatterns += followup_urls.urlpatterns
