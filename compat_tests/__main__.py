"""``python -m compat_tests``: cross-verify a team's own tokens and stored hashes (see ``--help``)."""

import sys

from compat_tests._cli import main

sys.exit(main())
