"""`python -m regress_demo` runs the command line."""

import sys

from . import main

sys.exit(main())
