"""Block Kit as HTML: messages, ephemeral messages, modals and the Home tab, as Slack lays them out. Pure.

Interactive elements carry what a press needs (``data-action-id``, ``data-block-id``); the surface around
them (a message, an ephemeral message, a view) says where the press came from. The page's script sends
those back and the emulator builds Slack's payload from the element as posted.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from emulators.slack.web.mrkdwn import SAFE_SCHEMES, Directory, mrkdwn_html, plain_html

def attr(value: object) -> str:
    return html.escape(str(value), quote=True)


def text_html(obj: Mapping[str, Any] | None, directory: Directory) -> str:
    """A text object: mrkdwn or plain_text."""
    if not obj:
        return ""
    if obj.get("type") == "mrkdwn":
        return mrkdwn_html(str(obj.get("text", "")), directory)
    return plain_html(str(obj.get("text", "")), with_emoji=obj.get("emoji", True) is not False)


def _image(url: Any, alt: Any, css: str) -> str:
    if not isinstance(url, str) or not url.lower().startswith(SAFE_SCHEMES[:2]):
        return f'<span class="{css} missing">{attr(alt or "image")}</span>'
    return f'<img class="{css}" src="{attr(url)}" alt="{attr(alt or "")}" loading="lazy">'


def _ids(element: Mapping[str, Any], block_id: str) -> str:
    return f'data-action-id="{attr(element.get("action_id", ""))}" data-block-id="{attr(block_id)}"'


def _option_text(option: Mapping[str, Any]) -> str:
    return html.escape(str((option.get("text") or {}).get("text", "")))


def _select(element: Mapping[str, Any], block_id: str) -> str:
    chosen = (element.get("initial_option") or {}).get("value")
    placeholder = _option_text({"text": element.get("placeholder")}) or "Select an item"
    options = [f'<option value="" disabled{"" if chosen else " selected"}>{placeholder}</option>']
    for option in element.get("options", []):
        selected = " selected" if option.get("value") == chosen else ""
        options.append(f'<option value="{attr(option.get("value", ""))}"{selected}>{_option_text(option)}</option>')
    return f'<select class="select" {_ids(element, block_id)}>{"".join(options)}</select>'


def _text_input(element: Mapping[str, Any], block_id: str, dispatch: bool) -> str:
    triggers = (element.get("dispatch_action_config") or {}).get("trigger_actions_on", ["on_enter_pressed"])
    attributes = [_ids(element, block_id), 'data-input="1"']
    if dispatch:
        attributes.append(f'data-dispatch="{attr(" ".join(triggers))}"')
    if "max_length" in element:
        attributes.append(f'maxlength="{int(element["max_length"])}"')
    if placeholder := element.get("placeholder"):
        attributes.append(f'placeholder="{attr(placeholder.get("text", ""))}"')
    initial = html.escape(str(element.get("initial_value", "")))
    if element.get("multiline"):
        return f'<textarea class="text-input" rows="4" {" ".join(attributes)}>{initial}</textarea>'
    return f'<input class="text-input" type="text" value="{initial}" {" ".join(attributes)}>'


def element_html(element: Mapping[str, Any], block_id: str, directory: Directory, *, dispatch: bool = False) -> str:
    kind = element.get("type")
    if kind == "button":
        css = "button" + (f" button-{element['style']}" if element.get("style") in ("primary", "danger") else "")
        url = element.get("url")
        link = f' data-url="{attr(url)}"' if isinstance(url, str) and url.lower().startswith(SAFE_SCHEMES) else ""
        return f'<button type="button" class="{css}" {_ids(element, block_id)}{link}>' \
               f'{text_html(element.get("text"), directory)}</button>'
    if kind == "image":
        return _image(element.get("image_url"), element.get("alt_text"), "element-image")
    if kind in ("mrkdwn", "plain_text"):
        return f'<span class="context-text">{text_html(element, directory)}</span>'
    if kind == "static_select":
        return _select(element, block_id)
    if kind == "plain_text_input":
        return _text_input(element, block_id, dispatch)
    return f'<span class="unsupported">[{attr(kind)}]</span>'


def block_html(block: Mapping[str, Any], directory: Directory, errors: Mapping[str, str] | None = None) -> str:
    kind = block.get("type")
    block_id = str(block.get("block_id", ""))
    if kind == "header":
        return f'<div class="block header">{text_html(block.get("text"), directory)}</div>'
    if kind == "divider":
        return '<hr class="block divider">'
    if kind == "section":
        parts = []
        if "text" in block:
            parts.append(f'<div class="section-text">{text_html(block["text"], directory)}</div>')
        if fields := block.get("fields"):
            cells = "".join(f'<div class="field">{text_html(f, directory)}</div>' for f in fields)
            parts.append(f'<div class="fields">{cells}</div>')
        accessory = block.get("accessory")
        side = f'<div class="accessory">{element_html(accessory, block_id, directory)}</div>' if accessory else ""
        return f'<div class="block section"><div class="section-main">{"".join(parts)}</div>{side}</div>'
    if kind == "context":
        items = "".join(element_html(e, block_id, directory) for e in block.get("elements", []))
        return f'<div class="block context">{items}</div>'
    if kind == "actions":
        items = "".join(element_html(e, block_id, directory) for e in block.get("elements", []))
        return f'<div class="block actions">{items}</div>'
    if kind == "image":
        title = f'<div class="image-title">{text_html(block.get("title"), directory)}</div>' if block.get("title") else ""
        return f'<div class="block image">{title}{_image(block.get("image_url"), block.get("alt_text"), "block-image")}</div>'
    if kind == "input":
        return _input_block(block, block_id, directory, (errors or {}).get(block_id))
    return f'<div class="block unsupported">[{attr(kind)} block]</div>'


def _input_block(block: Mapping[str, Any], block_id: str, directory: Directory, error: str | None) -> str:
    optional = ' <span class="optional">(optional)</span>' if block.get("optional") else ""
    element = element_html(block.get("element") or {}, block_id, directory,
                           dispatch=bool(block.get("dispatch_action")))
    hint = f'<div class="hint">{text_html(block["hint"], directory)}</div>' if block.get("hint") else ""
    problem = f'<div class="input-error" role="alert">{html.escape(error)}</div>' if error else ""
    spec = block.get("element") or {}
    count = (f'<div class="char-count">{len(str(spec.get("initial_value", "")))}/{int(spec["max_length"])}</div>'
             if spec.get("type") == "plain_text_input" and "max_length" in spec else "")
    return (f'<div class="block input{" has-error" if error else ""}" data-input-block="{attr(block_id)}">'
            f'<label class="input-label">{text_html(block.get("label"), directory)}{optional}</label>'
            f'{element}{count}{problem}{hint}</div>')


def blocks_html(blocks: Iterable[Mapping[str, Any]], directory: Directory,
                errors: Mapping[str, str] | None = None) -> str:
    return "".join(block_html(block, directory, errors) for block in blocks)


def clock_time(ts: str) -> str:
    return datetime.fromtimestamp(float(ts), UTC).strftime("%H:%M")


def _content(message: Mapping[str, Any], directory: Directory) -> str:
    """Blocks when the message has them, else its text; attachments after, with their colour bar."""
    if blocks := message.get("blocks"):
        body = blocks_html(blocks, directory)
    else:
        body = f'<div class="message-text">{mrkdwn_html(str(message.get("text", "")), directory)}</div>'
    for attachment in message.get("attachments") or []:
        color = str(attachment.get("color", "")).lstrip("#")
        style = f' style="border-color:#{color}"' if color.isalnum() and len(color) in (3, 6) else ""
        inner = (blocks_html(attachment["blocks"], directory) if attachment.get("blocks")
                 else mrkdwn_html(str(attachment.get("text") or attachment.get("fallback") or ""), directory))
        body += f'<div class="attachment"{style}>{inner}</div>'
    return body


def _author(user_id: str, directory: Directory, bot_user_id: str) -> tuple[str, str]:
    """(avatar, name line)."""
    name = directory.users.get(user_id, user_id)
    badge = '<span class="app-badge">APP</span>' if user_id == bot_user_id else ""
    initial = html.escape((name[:1] or "?").upper())
    return (f'<div class="avatar{" avatar-app" if badge else ""}" aria-hidden="true">{initial}</div>',
            f'<span class="author">{html.escape(name)}</span>{badge}')


def message_html(message: Mapping[str, Any], directory: Directory, *, bot_user_id: str, channel: str,
                 in_thread: bool = False) -> str:
    """A channel message, or a reply in the thread pane (no reply summary there)."""
    ts = str(message["ts"])
    avatar, author = _author(str(message.get("user", "")), directory, bot_user_id)
    edited = ' <span class="edited">(edited)</span>' if message.get("edited") else ""
    reactions = "".join(f'<span class="reaction">{plain_html(":" + str(r.get("name", "")) + ":")} '
                        f'{int(r.get("count", 0))}</span>' for r in message.get("reactions") or [])
    extra = f'<div class="reactions">{reactions}</div>' if reactions else ""
    if message.get("subtype") == "thread_broadcast" and not in_thread:
        extra += '<div class="broadcast-note">replied to a thread</div>'
    if not in_thread and message.get("reply_count"):
        count = int(message["reply_count"])
        people = ", ".join(html.escape(directory.users.get(u, u)) for u in message.get("reply_users") or [])
        extra += (f'<button type="button" class="thread-summary" data-thread="{attr(ts)}">'
                  f'{count} repl{"y" if count == 1 else "ies"}</button>'
                  f'<span class="thread-people">{people}</span>')
    return (f'<div class="message" data-surface="message" data-channel="{attr(channel)}" '
            f'data-ts="{attr(ts)}">{avatar}<div class="message-body"><div class="message-head">{author}'
            f'<time class="stamp">{clock_time(ts)}</time>{edited}</div>{_content(message, directory)}{extra}'
            f'</div></div>')


def ephemeral_html(ephemeral: Mapping[str, Any], directory: Directory, *, bot_user_id: str) -> str:
    """A message only the visitor sees; pressing its buttons sends Slack's ephemeral payload."""
    ts = str(ephemeral["message_ts"])
    avatar, author = _author(bot_user_id, directory, bot_user_id)
    return (f'<div class="message ephemeral" data-surface="ephemeral" data-ts="{attr(ts)}">'
            f'{avatar}<div class="message-body"><div class="only-you">Only visible to you</div>'
            f'<div class="message-head">{author}<time class="stamp">{clock_time(ts)}</time></div>'
            f'{_content(ephemeral, directory)}</div></div>')


def modal_html(view: Mapping[str, Any], directory: Directory) -> str:
    """A modal with its errors (``view["errors"]``, by block_id) under the inputs they name."""
    errors = view.get("errors") or {}
    submit = (f'<button type="submit" class="button button-primary">{text_html(view["submit"], directory)}'
              f'</button>') if view.get("submit") else ""
    close = text_html(view.get("close"), directory) or "Cancel"
    return (f'<form class="modal" data-surface="view" data-view-id="{attr(view["id"])}" role="dialog" '
            f'aria-modal="true"><header class="modal-head"><h2>{text_html(view.get("title"), directory)}</h2>'
            f'<button type="button" class="modal-x" data-close aria-label="Close">×</button></header>'
            f'<div class="modal-body">{blocks_html(view.get("blocks", []), directory, errors)}</div>'
            f'<footer class="modal-foot"><button type="button" class="button" data-close>{close}</button>'
            f'{submit}</footer></form>')


def home_html(view: Mapping[str, Any] | None, directory: Directory) -> str:
    if view is None:
        return '<div class="home-empty">The app has not published a Home tab yet.</div>'
    return (f'<div class="home" data-surface="view" data-view-id="{attr(view["id"])}">'
            f'{blocks_html(view.get("blocks", []), directory)}</div>')
