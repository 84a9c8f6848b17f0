"""The page around the messages: sidebar, channel or Home pane, composer, thread pane. Pure."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from emulators.slack.web.blocks import attr

PREFIX = "/_workspace"
# Scripts only from the page's own files: even if escaping failed somewhere, injected markup could not run.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' https: http: data:; connect-src 'self'")


@dataclass(frozen=True)
class Sidebar:
    workspace: str
    visitor_id: str
    visitor_name: str
    channels: Sequence[tuple[str, str]]  # (id, name), in the order shown
    teammates_on: bool | None  # None: no scripted teammates to pause


def link(visitor_id: str, **query: str) -> str:
    return f"{PREFIX}/?{urlencode({**query, 'as': visitor_id})}"


def _sidebar(side: Sidebar, current: str) -> str:
    items = [f'<a class="nav-item{" current" if current == "home" else ""}" href="{attr(link(side.visitor_id, tab="home"))}">'
             f'<span class="nav-icon">🏠</span>Home</a>',
             '<div class="nav-heading">Channels</div>']
    for channel_id, name in side.channels:
        css = "nav-item channel" + (" current" if channel_id == current else "")
        items.append(f'<a class="{css}" data-channel-link="{attr(channel_id)}" '
                     f'href="{attr(link(side.visitor_id, channel=channel_id))}"><span class="nav-icon">#</span>'
                     f'{html.escape(name)}<span class="unread" hidden></span></a>')
    if side.teammates_on is not None:
        state = "on" if side.teammates_on else "paused"
        action = "Pause" if side.teammates_on else "Resume"
        items.append(f'<div class="teammates">Scripted teammates: <b data-teammates-state>{state}</b> '
                     f'<button type="button" class="button small" data-teammates-toggle>{action}</button></div>')
    return (f'<nav class="sidebar"><div class="workspace-name">{html.escape(side.workspace)}</div>'
            f'<div class="visitor">You are <b>@{html.escape(side.visitor_name)}</b></div>{"".join(items)}</nav>')


def _document(title: str, body_data: dict[str, str], content: str, modal: str) -> str:
    data = " ".join(f'data-{name}="{attr(value)}"' for name, value in body_data.items())
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{html.escape(title)}</title><link rel="icon" href="data:,">'
            f'<link rel="stylesheet" href="{PREFIX}/static/page.css">'
            f'<script defer src="{PREFIX}/static/page.js"></script></head><body {data}>'
            f'<div class="app">{content}</div><div id="modal-root">{modal}</div>'
            f'<div id="status" class="status" role="status" aria-live="polite"></div></body></html>')


def channel_page(side: Sidebar, channel_id: str, channel_name: str, messages_html: Sequence[str], *,
                 revision: int, modal: str = "") -> str:
    """``messages_html``: the channel's messages and the visitor's ephemeral messages, oldest first."""
    pane = (f'<main class="pane"><header class="pane-head"><h1># {html.escape(channel_name)}</h1></header>'
            f'<div class="messages" id="messages">{"".join(messages_html)}</div>'
            f'<form class="composer" id="composer"><input name="text" autocomplete="off" '
            f'aria-label="Message #{attr(channel_name)}" placeholder="/birdhouse stats · /birdhouse queue · '
            f'/birdhouse help"><button type="submit" class="button button-primary">Send</button></form></main>'
            f'<aside class="thread" id="thread" hidden></aside>')
    return _document(f"#{channel_name} · {side.workspace}",
                     {"user": side.visitor_id, "channel": channel_id, "revision": str(revision)},
                     _sidebar(side, channel_id) + pane, modal)


def home_page(side: Sidebar, app_name: str, home: str, *, revision: int, modal: str = "") -> str:
    pane = (f'<main class="pane"><header class="pane-head"><h1>{html.escape(app_name)}</h1>'
            f'<span class="tab">Home</span></header><div class="home-pane" id="home">{home}</div></main>')
    return _document(f"{app_name} · {side.workspace}", {"user": side.visitor_id, "tab": "home",
                                                       "revision": str(revision)},
                     _sidebar(side, "home") + pane, modal)


def thread_pane(channel_name: str, parent_html: str, replies_html: Sequence[str], root_ts: str) -> str:
    count = len(replies_html)
    divider = f'<div class="reply-count">{count} repl{"y" if count == 1 else "ies"}</div>' if count else ""
    return (f'<header class="pane-head"><h2>Thread <span class="muted">#{html.escape(channel_name)}</span></h2>'
            f'<button type="button" class="modal-x" data-thread-close aria-label="Close thread">×</button></header>'
            f'<div class="thread-messages" data-root="{attr(root_ts)}">{parent_html}{divider}'
            f'<div class="replies">{"".join(replies_html)}</div></div>')
