"""``python -m pypet``: the command line (see :mod:`pypet.cli`)."""

from pypet.cli import main

raise SystemExit(main())
