#!/usr/bin/env python3
"""Run the demo from a checkout: the same as the `regress-demo` command (see --help)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the package beside this folder

from regress_demo import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
