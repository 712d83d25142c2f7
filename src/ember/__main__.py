"""``python -m ember run prog.py`` / ``python -m ember info``."""

import sys

from .cli import main

sys.exit(main())
