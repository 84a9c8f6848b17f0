import sys

from birdhouse.cli import main

sys.exit(main())
