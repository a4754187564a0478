from kretslopp.cli import main

raise SystemExit(main())
