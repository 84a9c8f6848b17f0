"""Triage of X mentions: question, complaint, praise, spam, noise, language and a priority.

Pure and offline: the only file read is the committed `weights.json`. See docs/triage.md.
"""

from .classify import triage
from .result import Triage

__all__ = ["Triage", "triage"]
