"""`python -m commissioning.cli ...`, the same as the `commissioning` command."""

import sys

from commissioning.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
