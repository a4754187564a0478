"""The REST API at ``/api/v1/``: token authentication, one error format, the assembly.

Each domain app keeps its own routes beside its models (``kretslopp/<app>/api.py``); this
app only joins them into one NinjaAPI, authenticates callers and shapes errors.
"""
