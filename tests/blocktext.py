"""What a reader sees in Block Kit blocks, as one string: for tests that check the words, not the layout."""

from __future__ import annotations

from typing import Any


def block_texts(blocks: list[dict[str, Any]]) -> str:
    """Section text and fields, context elements and button labels, one per line, in order."""
    found = []
    for block in blocks:
        for part in [block.get("text"), *block.get("fields", []), *block.get("elements", [])]:
            if isinstance(part, dict):
                found.append(part["text"]["text"] if part.get("type") == "button" else part.get("text", ""))
    return "\n".join(found)
