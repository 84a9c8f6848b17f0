"""``python -m birdhouse``: the ``birdhouse`` command, whose home is the composition root (``birdhouse_cli``)."""

import sys

from birdhouse_cli.main import main

sys.exit(main())
