"""Take-back pages, split by what they are for (campaigns, custody, public page, routines)."""
