"""What a message is made of, parsed and checked the same way wherever one enters the workspace.

The Web API sends ``blocks``, ``attachments`` and ``metadata`` as JSON strings in form bodies and as
native JSON in JSON bodies; response_url posts and slash-command acks are always JSON. All end up here.
"""

from __future__ import annotations

import json
from typing import Any

from emulators.slack.blockkit import validate_blocks
from emulators.slack.errors import SlackError

MAX_TEXT = 40_000  # Slack truncates (chat.postMessage) or refuses (msg_too_long) longer text


def decode(value: Any, error: SlackError) -> Any:
    """A JSON argument: parsed when it came as a string (form bodies), as it is otherwise."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise error from None
    return value


def parse_blocks(value: Any) -> list[dict[str, Any]] | None:
    """None when absent; ``[]`` is meaningful to chat.update (remove the blocks)."""
    if value is None or value == "":
        return None
    blocks = decode(value, SlackError("invalid_blocks_format"))
    if not isinstance(blocks, list):
        raise SlackError("invalid_blocks_format")
    problems = validate_blocks(blocks)
    if problems:
        raise SlackError("invalid_blocks", messages=problems, detailed=True)
    return blocks


def parse_attachments(value: Any) -> list[dict[str, Any]] | None:
    if value is None or value == "":
        return None
    # Legacy attachments are stored, not validated: Birdhouse posts Block Kit only.
    attachments = decode(value, SlackError("invalid_arguments"))
    if not isinstance(attachments, list):
        raise SlackError("invalid_arguments", messages=["must be an array [json-pointer:/attachments]"])
    if len(attachments) > 100:
        raise SlackError("too_many_attachments")
    return attachments


def parse_metadata(value: Any) -> dict[str, Any] | None:
    """None when absent; ``{}`` is meaningful to chat.update (remove the metadata)."""
    if value is None or value == "":
        return None
    metadata = decode(value, SlackError("invalid_metadata_format"))
    if not isinstance(metadata, dict):
        raise SlackError("invalid_metadata_format")
    if metadata and not (
        isinstance(metadata.get("event_type"), str) and isinstance(metadata.get("event_payload"), dict)
    ):
        raise SlackError("invalid_metadata_schema")
    return metadata


def require_content(text: str | None, blocks: list[Any] | None, attachments: list[Any] | None) -> None:
    if not text and not blocks and not attachments:
        raise SlackError("no_text")


def require_length(text: str | None) -> None:
    if text and len(text) > MAX_TEXT:
        raise SlackError("msg_too_long")
