"""``python -m clustering``: the command line (see :func:`clustering.big.main`)."""

import sys

from clustering.big import main

if __name__ == "__main__":
    sys.exit(main())
