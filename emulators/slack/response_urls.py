"""response_url: where an app answers an interaction or a slash command after (or instead of) its ack.

Each URL takes five posts within thirty minutes. A post is a message payload plus ``replace_original``,
``delete_original`` and ``response_type`` (``ephemeral`` by default, or ``in_channel``). A slash command's
immediate HTTP answer is applied the same way, without spending one of the five uses.
"""

from __future__ import annotations

import json
from typing import Any

from emulators.slack import messages
from emulators.slack.errors import SlackError
from emulators.slack.state import RESPONSE_URL_TTL, RESPONSE_URL_USES, ResponseURL, Workspace


def post(workspace: Workspace, url_id: str, body: bytes) -> tuple[int, dict[str, Any]]:
    """Answer a POST to ``/_emulator/slack/response/<url_id>`` as Slack's hooks endpoint does."""
    with workspace.lock:
        target = workspace.response_urls.get(url_id)
        if target is None:
            return 404, {"ok": False, "error": "invalid_url"}  # hypothetical code: Slack never issued it
        if workspace.clock() - target.issued_at > RESPONSE_URL_TTL:
            return 404, {"ok": False, "error": "expired_url"}
        if len(target.posts) >= RESPONSE_URL_USES:
            return 404, {"ok": False, "error": "used_url"}
        try:
            payload = json.loads(body or b"null")
            if not isinstance(payload, dict):
                return 400, {"ok": False, "error": "invalid_payload"}
            apply(workspace, target, payload)
        except ValueError:
            return 400, {"ok": False, "error": "invalid_payload"}
        except SlackError as error:
            return 400, error.body()
        target.posts.append(payload)
        return 200, {"ok": True}


def apply(workspace: Workspace, target: ResponseURL, payload: dict[str, Any]) -> None:
    """Delete, replace or add the message a response payload describes."""
    original = target.message_ts
    if payload.get("delete_original") and original:
        workspace.delete(target.channel, original, deleter=workspace.bot_user_id)
        return
    text = payload.get("text") or ""
    blocks = messages.parse_blocks(payload.get("blocks"))
    attachments = messages.parse_attachments(payload.get("attachments"))
    messages.require_content(text, blocks, attachments)
    messages.require_length(text)
    if payload.get("replace_original") and original:
        # The new payload is the whole message: whatever it leaves out is gone.
        changes = {"text": text, "blocks": blocks or None, "attachments": attachments or None}
        workspace.update(target.channel, original, changes, editor=workspace.bot_user_id)
    elif payload.get("response_type") == "in_channel":
        workspace.post(
            target.channel,
            user=workspace.bot_user_id,
            text=text,
            blocks=blocks,
            attachments=attachments,
            thread_ts=payload.get("thread_ts"),
        )
    else:
        fields = {"text": text, "blocks": blocks, "attachments": attachments, "thread_ts": payload.get("thread_ts")}
        workspace.add_ephemeral(target.channel, target.user_id, {k: v for k, v in fields.items() if v is not None})
