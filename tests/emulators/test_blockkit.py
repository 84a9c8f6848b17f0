"""Block Kit limits (specs/README.md, "Block Kit limits"): each at its edge, and one past it."""

from __future__ import annotations

from typing import Any

import pytest

from emulators.slack.blockkit import validate_blocks, validate_view


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def section(text: str = "hi") -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(text)}


def button(text: str = "Like", **extra: Any) -> dict[str, Any]:
    return {"type": "button", "text": plain(text), "action_id": extra.pop("action_id", "like"), **extra}


def actions(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "elements": list(elements)}


def modal(blocks: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    return {"type": "modal", "title": plain("Reply"), "blocks": blocks if blocks is not None else [section()], **extra}


def text_input(block_id: str, action_id: str = "value") -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain("Text"),
        "element": {"type": "plain_text_input", "action_id": action_id},
    }


MESSAGE_CASES = [
    # (name, valid blocks, invalid blocks, expected error)
    ("50 blocks", [section()] * 50, [section()] * 51, "no more than 50 items allowed [json-pointer:/blocks]"),
    (
        "section text 3000",
        [section("x" * 3000)],
        [section("x" * 3001)],
        "must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
    ),
    (
        "10 fields",
        [{"type": "section", "fields": [mrkdwn("f")] * 10}],
        [{"type": "section", "fields": [mrkdwn("f")] * 11}],
        "no more than 10 items allowed [json-pointer:/blocks/0/fields]",
    ),
    (
        "field 2000",
        [{"type": "section", "fields": [mrkdwn("f" * 2000)]}],
        [{"type": "section", "fields": [mrkdwn("f" * 2001)]}],
        "must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]",
    ),
    (
        "header 150",
        [{"type": "header", "text": plain("h" * 150)}],
        [{"type": "header", "text": plain("h" * 151)}],
        "must be less than 151 characters [json-pointer:/blocks/0/text/text]",
    ),
    (
        "header plain_text only",
        [{"type": "header", "text": plain("h")}],
        [{"type": "header", "text": mrkdwn("h")}],
        "must be a valid enum value [json-pointer:/blocks/0/text/type]",
    ),
    (
        "button text 75",
        [actions(button("b" * 75))],
        [actions(button("b" * 76))],
        "must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]",
    ),
    (
        "button text plain_text only",
        [actions(button())],
        [actions({"type": "button", "text": mrkdwn("Like"), "action_id": "like"})],
        "must be a valid enum value [json-pointer:/blocks/0/elements/0/text/type]",
    ),
    (
        "button value 2000",
        [actions(button(value="v" * 2000))],
        [actions(button(value="v" * 2001))],
        "must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]",
    ),
    (
        "button url 3000",
        [actions(button(url="https://x.com/" + "u" * 2986))],
        [actions(button(url="https://x.com/" + "u" * 2987))],
        "must be less than 3001 characters [json-pointer:/blocks/0/elements/0/url]",
    ),
    (
        "action_id 255",
        [actions(button(action_id="a" * 255))],
        [actions(button(action_id="a" * 256))],
        "must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]",
    ),
    (
        "block_id 255",
        [{**section(), "block_id": "b" * 255}],
        [{**section(), "block_id": "b" * 256}],
        "must be less than 256 characters [json-pointer:/blocks/0/block_id]",
    ),
    (
        "block_id unique",
        [{**section(), "block_id": "a"}, {**section(), "block_id": "b"}],
        [{**section(), "block_id": "a"}, {**section(), "block_id": "a"}],
        "duplicate block_id: a [json-pointer:/blocks/1/block_id]",
    ),
    (
        "action_id unique in its block",
        [actions(button(action_id="a")), actions(button(action_id="a"))],
        [actions(button(action_id="a"), button(action_id="a"))],
        "duplicate action_id: a [json-pointer:/blocks/0/elements/1/action_id]",
    ),
    (
        "25 action elements",
        [actions(*(button(action_id=f"b{i}") for i in range(25)))],
        [actions(*(button(action_id=f"b{i}") for i in range(26)))],
        "no more than 25 items allowed [json-pointer:/blocks/0/elements]",
    ),
    (
        "10 context elements",
        [{"type": "context", "elements": [mrkdwn("c")] * 10}],
        [{"type": "context", "elements": [mrkdwn("c")] * 11}],
        "no more than 10 items allowed [json-pointer:/blocks/0/elements]",
    ),
    (
        "input needs a label",
        [text_input("i")],
        [{"type": "input", "element": {"type": "plain_text_input"}}],
        "missing required field: label [json-pointer:/blocks/0]",
    ),
    (
        "input needs an element",
        [text_input("i")],
        [{"type": "input", "label": plain("Text")}],
        "missing required field: element [json-pointer:/blocks/0]",
    ),
    (
        "unknown block type",
        [section()],
        [{"type": "carousel"}],
        "unsupported type: carousel [json-pointer:/blocks/0/type]",
    ),
    (
        "unknown element type",
        [actions(button())],
        [actions({"type": "slider", "action_id": "s"})],
        "unsupported type: slider [json-pointer:/blocks/0/elements/0/type]",
    ),
    (
        "element out of place",
        [actions(button())],
        [actions({"type": "plain_text_input", "action_id": "t"})],
        "unsupported type: plain_text_input [json-pointer:/blocks/0/elements/0/type]",
    ),
    (
        "text object type",
        [section()],
        [{"type": "section", "text": {"type": "markdown", "text": "x"}}],
        "must be a valid enum value [json-pointer:/blocks/0/text/type]",
    ),
    (
        "text not empty",
        [section("x")],
        [section("")],
        "must be more than 0 characters [json-pointer:/blocks/0/text/text]",
    ),
    (
        "emoji only on plain_text",
        [{"type": "section", "text": {**plain("x"), "emoji": True}}],
        [{"type": "section", "text": {**mrkdwn("x"), "emoji": True}}],
        "invalid additional property: emoji [json-pointer:/blocks/0/text/emoji]",
    ),
]


@pytest.mark.parametrize(
    ("valid", "invalid", "error"), [case[1:] for case in MESSAGE_CASES], ids=[case[0] for case in MESSAGE_CASES]
)
def test_message_limits(valid: list[dict[str, Any]], invalid: list[dict[str, Any]], error: str) -> None:
    assert validate_blocks(valid) == []
    assert error in validate_blocks(invalid)


VIEW_CASES = [
    (
        "100 blocks",
        modal([section()] * 100),
        modal([section()] * 101),
        "no more than 100 items allowed [json-pointer:/view/blocks]",
    ),
    (
        "title 24",
        modal(title=plain("t" * 24)),
        modal(title=plain("t" * 25)),
        "must be less than 25 characters [json-pointer:/view/title/text]",
    ),
    (
        "title plain_text",
        modal(),
        modal(title=mrkdwn("t")),
        "must be a valid enum value [json-pointer:/view/title/type]",
    ),
    (
        "submit 24",
        modal(submit=plain("s" * 24)),
        modal(submit=plain("s" * 25)),
        "must be less than 25 characters [json-pointer:/view/submit/text]",
    ),
    (
        "close 24",
        modal(close=plain("c" * 24)),
        modal(close=plain("c" * 25)),
        "must be less than 25 characters [json-pointer:/view/close/text]",
    ),
    (
        "private_metadata 3000",
        modal(private_metadata="m" * 3000),
        modal(private_metadata="m" * 3001),
        "must be less than 3001 characters [json-pointer:/view/private_metadata]",
    ),
    (
        "callback_id 255",
        modal(callback_id="c" * 255),
        modal(callback_id="c" * 256),
        "must be less than 256 characters [json-pointer:/view/callback_id]",
    ),
    (
        "inputs need submit",
        modal([text_input("i")], submit=plain("Send")),
        modal([text_input("i")]),
        "submit is required when an input block is within the blocks array [json-pointer:/view/submit]",
    ),
    (
        "action_id may repeat across blocks, block_id may not",
        modal([text_input("a"), text_input("b")], submit=plain("Send")),
        modal([text_input("a"), text_input("a")], submit=plain("Send")),
        "duplicate block_id: a [json-pointer:/view/blocks/1/block_id]",
    ),
    (
        "home tab 100 blocks",
        {"type": "home", "blocks": [section()] * 100},
        {"type": "home", "blocks": [section()] * 101},
        "no more than 100 items allowed [json-pointer:/view/blocks]",
    ),
    ("view type", modal(), {"type": "dialog", "blocks": []}, "must be a valid enum value [json-pointer:/view/type]"),
]


@pytest.mark.parametrize(
    ("valid", "invalid", "error"), [case[1:] for case in VIEW_CASES], ids=[case[0] for case in VIEW_CASES]
)
def test_view_limits(valid: dict[str, Any], invalid: dict[str, Any], error: str) -> None:
    assert validate_view(valid) == []
    assert error in validate_view(invalid)


def test_a_realistic_card_is_valid() -> None:
    card = [
        {"type": "header", "text": {**plain("New mention from @ada :bird:"), "emoji": True}},
        {
            "type": "section",
            "text": mrkdwn("*Ada* <https://x.com/ada|@ada>\n&lt;not a tag&gt;"),
            "accessory": {"type": "image", "image_url": "https://pbs.twimg.com/a.jpg", "alt_text": "avatar"},
        },
        {
            "type": "context",
            "elements": [
                mrkdwn("question · 2 min ago"),
                {"type": "image", "image_url": "https://x.com/i.png", "alt_text": "x"},
            ],
        },
        actions(
            button("Reply", action_id="reply", style="primary", value="1"),
            button("Like", action_id="like", value="1"),
            button("Open", action_id="open", url="https://x.com/ada/status/1"),
        ),
        {"type": "divider"},
    ]
    assert validate_blocks(card) == []
