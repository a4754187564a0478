"""Data in and out: one import pipeline for every source, and the asset export.

``pipeline`` is the source-independent core (read → map → validate → preview → commit
all or nothing → report); ``assets`` is its first target and the asset export; ``snipeit``
is a source that reads a Snipe-IT server's API; ``runs`` is what the web pages and the
``kretslopp import`` command share.
"""
