"""Assets: the first import target (files, Snipe-IT) and the asset export."""
