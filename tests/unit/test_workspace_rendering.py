"""Block Kit and mrkdwn as the workspace page shows them: Slack's look, and untrusted text never markup."""

from __future__ import annotations

import re
from pathlib import Path

from emulators.slack.web.blocks import block_html, message_html, modal_html
from emulators.slack.web.emoji import SHORTCODES
from emulators.slack.web.mrkdwn import Directory, mrkdwn_html, plain_html

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = Directory(users={"U0ALICE": "alice", "U0BOT": "birdhouse"}, channels={"C0SUPPORT": "support"})


def test_hostile_text_stays_text():
    # As Slack stores it: the post's own <, > and & escaped once (slackbot.views.mrkdwn.escape).
    shown = mrkdwn_html("&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt; &amp;amp; &lt;@U0ALICE&gt; "
                        "<img src=x onerror=alert(1)>", PEOPLE)
    assert shown == ("&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt; &amp;amp; &lt;@U0ALICE&gt; "
                     "img src=x onerror=alert(1)")


def test_links_are_anchors_only_for_web_and_mail_urls():
    assert mrkdwn_html("<https://x.com/a?b=1&amp;c=2|@carol>", PEOPLE) == (
        '<a href="https://x.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">@carol</a>')
    assert mrkdwn_html("<javascript:alert(1)|click me>", PEOPLE) == "click me"
    assert mrkdwn_html('<https://e.com/"onmouseover="x|a>', PEOPLE).startswith(
        '<a href="https://e.com/&quot;onmouseover=&quot;x"')


def test_mentions_show_names_and_broadcasts_notify_no_one():
    assert mrkdwn_html("<@U0ALICE> <#C0SUPPORT> <!here>", PEOPLE) == (
        '<span class="mention">@alice</span> <span class="mention">#support</span> '
        '<span class="mention broadcast">@here</span>')
    assert mrkdwn_html("<@U0NOBODY>", PEOPLE) == '<span class="mention">@U0NOBODY</span>'


def test_formatting_quotes_code_dates_and_emoji():
    assert mrkdwn_html("*bold* _it_ ~gone~ `a<b` snake_case_name 10:00-18:00 :question:", PEOPLE) == (
        "<b>bold</b> <i>it</i> <s>gone</s> <code>a&lt;b</code> snake_case_name 10:00-18:00 ❓")
    assert mrkdwn_html(">one &amp; two\n>three\nafter", PEOPLE) == (
        "<blockquote>one &amp; two<br>three</blockquote>after")
    assert mrkdwn_html("<!date^1795680134^{date_short} at {time}|2026-11-26T08:02:14Z>", PEOPLE) == (
        '<time title="2026-11-26T08:02:14Z">Nov 26, 2026 at 8:02 AM</time>')
    assert mrkdwn_html("<!date^nonsense^{time}|earlier &amp; then>", PEOPLE) == "earlier &amp; then"  # the fallback


def test_plain_text_is_shown_as_written():
    assert plain_html("<b>&amp; :wave:</b>") == "&lt;b&gt;&amp;amp; 👋&lt;/b&gt;"
    assert plain_html(":wave:", with_emoji=False) == ":wave:"


def test_every_shortcode_birdhouse_writes_has_its_emoji():
    written = {name for folder in ("slackbot", "workers") for path in (ROOT / folder).rglob("*.py")
               for name in re.findall(r"(?<![\w:]):([a-z][a-z0-9_+\-]*):", path.read_text())}
    assert written and written <= set(SHORTCODES), sorted(written - set(SHORTCODES))


def test_buttons_carry_what_a_press_needs_and_their_style():
    actions = {"type": "actions", "block_id": "b1", "elements": [
        {"type": "button", "action_id": "mention.reply", "style": "primary",
         "text": {"type": "plain_text", "text": ":speech_balloon: Reply"}},
        {"type": "button", "action_id": "like.on_x", "url": "javascript:alert(1)",
         "text": {"type": "plain_text", "text": "Like"}}]}
    html = block_html(actions, PEOPLE)
    assert ('<button type="button" class="button button-primary" data-action-id="mention.reply" '
            'data-block-id="b1">💬 Reply</button>') in html
    assert "data-url" not in html


def test_sections_fields_context_images_headers_and_dividers():
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Stats"}},
        {"type": "section", "block_id": "s", "fields": [{"type": "mrkdwn", "text": "*Mentions*\n3"}],
         "accessory": {"type": "image", "image_url": "https://e.com/a.png", "alt_text": "a\"b"}},
        {"type": "context", "elements": [{"type": "image", "image_url": "data:x", "alt_text": "no"},
                                         {"type": "mrkdwn", "text": "_small_"}]},
        {"type": "divider"}, {"type": "rich_text"},
    ]
    html = "".join(block_html(block, PEOPLE) for block in blocks)
    assert '<div class="block header">Stats</div>' in html
    assert '<div class="field"><b>Mentions</b><br>3</div>' in html
    assert '<img class="element-image" src="https://e.com/a.png" alt="a&quot;b" loading="lazy">' in html
    assert '<span class="element-image missing">no</span>' in html
    assert '<hr class="block divider">' in html and "[rich_text block]" in html


def test_a_message_shows_its_author_and_its_thread():
    message = {"ts": "1795680130.000100", "user": "U0BOT", "text": "fallback", "reply_count": 2,
               "reply_users": ["U0ALICE"], "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]}
    html = message_html(message, PEOPLE, bot_user_id="U0BOT", channel="C1")
    assert 'data-surface="message" data-channel="C1" data-ts="1795680130.000100"' in html
    assert '<span class="author">birdhouse</span><span class="app-badge">APP</span>' in html
    assert '>2 replies</button><span class="thread-people">alice</span>' in html
    assert "fallback" not in html  # blocks win over the notification text


def test_a_modal_shows_its_inputs_count_and_errors():
    view = {"id": "V1", "title": {"type": "plain_text", "text": "Reply on X"},
            "submit": {"type": "plain_text", "text": "Post reply"}, "close": {"type": "plain_text", "text": "Cancel"},
            "errors": {"reply_text": "Write a reply first <now>"},
            "blocks": [{"type": "input", "block_id": "reply_text", "dispatch_action": True,
                        "label": {"type": "plain_text", "text": "Your reply"},
                        "element": {"type": "plain_text_input", "action_id": "reply.text", "multiline": True,
                                    "max_length": 3000, "initial_value": "</textarea>hi",
                                    "dispatch_action_config": {"trigger_actions_on": ["on_character_entered"]}}},
                       {"type": "actions", "block_id": "saved", "elements": [
                           {"type": "static_select", "action_id": "reply.saved",
                            "placeholder": {"type": "plain_text", "text": "Saved replies"},
                            "options": [{"text": {"type": "plain_text", "text": "Thanks & <b>"}, "value": "0"}]}]}]}
    html = modal_html(view, PEOPLE)
    assert 'data-dispatch="on_character_entered" maxlength="3000"' in html
    assert ">&lt;/textarea&gt;hi</textarea>" in html
    assert '<div class="char-count">13/3000</div>' in html
    assert '<div class="input-error" role="alert">Write a reply first &lt;now&gt;</div>' in html
    assert '<option value="0">Thanks &amp; &lt;b&gt;</option>' in html
    assert ">Post reply</button>" in html and ">Cancel</button>" in html
