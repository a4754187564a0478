"""``python -m kretslopp.footprint``: the same as ``kretslopp footprint``."""

from kretslopp.footprint.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
