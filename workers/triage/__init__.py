"""Triage of X mentions: question, complaint, praise, spam, noise, language and a priority.

Pure and offline: the files read are the committed `model.json.gz` and py3langid's model, shipped in its
wheel. See docs/triage.md.
"""

from .classify import triage
from .language import preload_language
from .model import shipped_model
from .result import Triage

__all__ = ["Triage", "preload", "triage"]


def preload() -> None:
    """Read both models now: a worker does, so that the jobs it forks inherit them instead of unpacking them."""
    shipped_model()
    preload_language()
