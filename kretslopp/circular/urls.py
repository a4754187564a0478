"""Take-back pages; filled in as the views land."""

app_name = "circular"
urlpatterns: list = []
