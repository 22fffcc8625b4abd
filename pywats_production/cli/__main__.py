"""``python -m pywats_production.cli``: the same as the ``wats-production`` command."""

from __future__ import annotations

import sys

from pywats_production.cli import main

if __name__ == "__main__":
    sys.exit(main())
