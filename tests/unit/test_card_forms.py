"""What a card Slack refused is posted as next: the thread goes first if Slack refused the thread, then the
layout, then the buttons."""

from workers.cards import Form, Message, in_form, next_form

CARD = Message("Question from @dana: is it open?", [
    {"type": "section", "block_id": "post", "text": {"type": "mrkdwn", "text": ">is it open?"}},
    {"type": "actions", "block_id": "actions", "elements": [
        {"type": "button", "action_id": "mention.claim", "text": {"type": "plain_text", "text": "Claim"}}]},
])


def test_each_refusal_makes_the_card_plainer_and_a_refused_thread_costs_only_the_thread():
    assert next_form(Form.FULL, "restricted_action_thread_locked") is Form.UNTHREADED
    assert next_form(Form.FULL, "invalid_blocks") is Form.PLAIN
    assert next_form(Form.UNTHREADED, "invalid_blocks") is Form.PLAIN
    assert next_form(Form.UNTHREADED, "restricted_action_thread_locked") is Form.PLAIN
    assert next_form(Form.PLAIN, "invalid_blocks") is Form.TEXT
    assert next_form(Form.TEXT, "invalid_blocks") is Form.TEXT
    assert next_form(Form.FULL, "metadata_too_large") is Form.FULL  # no plainer form mends that
    assert next_form(Form.PLAIN, "no_text") is Form.PLAIN


def test_the_plain_form_keeps_the_text_and_the_buttons_and_says_why():
    assert in_form(CARD, Form.FULL, "") == in_form(CARD, Form.UNTHREADED, "x") == CARD
    plain = in_form(CARD, Form.PLAIN, "invalid_blocks<!here>")
    assert [block["block_id"] for block in plain.blocks] == ["plain", "refused", "actions"]
    assert plain.blocks[0]["text"]["text"] == CARD.text
    assert "(invalid_blocks&lt;!here&gt;)" in plain.blocks[1]["elements"][0]["text"]
    text = in_form(CARD, Form.TEXT, "invalid_blocks")
    assert text.blocks == [] and text.text.startswith(CARD.text) and "Its buttons were refused too" in text.text
