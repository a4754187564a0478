"""Take-back API routes (campaigns, items, manifests, partner results)."""

from ninja import Router

router = Router()
