"""``python -m helpers``: the command line (see :mod:`helpers.cli`)."""

from .cli import main

raise SystemExit(main())
