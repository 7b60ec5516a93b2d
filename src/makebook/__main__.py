"""``python -m makebook`` is the same as ``make-book``."""

from makebook.cli import main

raise SystemExit(main())
