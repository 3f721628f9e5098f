"""``python -m kzoo.tuning run|chief|worker ...``; see :mod:`kzoo.tuning.cli`."""

import sys

from kzoo.tuning.cli import main

if __name__ == "__main__":
    main(sys.argv[1:])
