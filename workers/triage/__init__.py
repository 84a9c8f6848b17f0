"""Triage of X mentions: question, complaint, praise, spam, noise, language and a priority.

Pure and offline: the files read are the committed `model.json.gz` and py3langid's model, shipped in its
wheel. See docs/triage.md.
"""

from .classify import triage
from .result import Triage

__all__ = ["Triage", "triage"]
