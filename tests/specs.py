"""Where the published API descriptions live: in the repo (specs/README.md says where each came from)."""

from pathlib import Path

SPECS = Path(__file__).resolve().parents[1] / "specs"
