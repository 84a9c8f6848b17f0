"""`birdhouse triage`: JSON lines of X posts in, JSON lines of verdicts out.

Each input line is one X API v2 post object. Its author, used for the priority, may come:
- as a top-level "author" key holding an X user object, or
- in an "includes": {"users": [...]} envelope (as X returns it), matched on the post's author_id;
  the envelope may also wrap the post itself as {"data": {...post...}, "includes": {...}}.
Without either, the priority is computed as for an author with no reach.
A line that is not a JSON object with a string "text" is reported on stderr with its line number
and skipped; blank lines are ignored.
"""

import json
import sys
from typing import TextIO

from .classify import triage

_OUTPUT_KEYS = ("question", "complaint", "praise", "spam", "noise", "language", "priority", "kind", "reasons")


class BadLine(ValueError):
    pass


def _post_and_author(line: str) -> tuple[dict, dict | None]:
    try:
        document = json.loads(line)
    except json.JSONDecodeError as error:
        raise BadLine(f"not JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(document, dict):
        raise BadLine(f"expected a JSON object, got {type(document).__name__}")
    post = document["data"] if isinstance(document.get("data"), dict) else document
    if not isinstance(post.get("text"), str):
        raise BadLine('no "text" string: not an X post object')
    author = document.get("author")
    if not isinstance(author, dict):
        users = (document.get("includes") or {}).get("users") or []
        author = next((u for u in users if isinstance(u, dict) and u.get("id") == post.get("author_id")), None)
    return post, author


def triage_lines(infile: TextIO, outfile: TextIO, errfile: TextIO = sys.stderr) -> int:
    """Triage every post of `infile` into `outfile`; returns how many lines were skipped as bad."""
    bad_lines = 0
    for number, line in enumerate(infile, 1):
        if not line.strip():
            continue
        try:
            post, author = _post_and_author(line)
        except BadLine as error:
            print(f"triage: line {number}: {error}; skipped", file=errfile)
            bad_lines += 1
            continue
        verdict = triage(post, author).to_dict()
        outfile.write(json.dumps({"id": post.get("id"), **{key: verdict[key] for key in _OUTPUT_KEYS}}, ensure_ascii=False) + "\n")
    return bad_lines
