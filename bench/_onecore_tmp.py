import sys, tempfile
from pathlib import Path

import pipeline
from _rig import Rig
with tempfile.TemporaryDirectory(prefix="birdhouse-bench-") as folder, Rig(Path(folder)) as rig:
    rig.poll_once()
    pipeline.one_core(rig)
