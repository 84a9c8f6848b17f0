from birdhouse.models import Author, Mark, Mention
from birdhouse.store.cards import CardState, Reply
from birdhouse.tweet_length import reply_problem, weighted_length
from emulators.slack.blockkit import validate_view
from slackbot.views.reply_modal import ReplyDraft, length_line, reply_modal, submission_errors, typed_text

MENTION = Mention(id="1001", text="@acme where is my <b>order</b>?", created_at="2026-11-26T05:00:00.000Z",
                  author=Author(id="42", username="carol_b", name="Carol"))
DRAFT = ReplyDraft(mention_id="1001", nonce="n1", channel="C0MENTIONS")


def test_length_counts_like_x():
    assert weighted_length("a" * 280) == 280
    assert weighted_length("see https://example.com/a/very/long/path/indeed") == 4 + 23
    assert weighted_length("😀") == 2
    assert weighted_length("日本語") == 6


def test_reply_problems_say_what_to_fix():
    assert reply_problem("a" * 280) is None
    assert reply_problem("日" * 140) is None
    assert "empty" in reply_problem("   \n")
    too_long = reply_problem("日" * 141)
    assert "282/280" in too_long and "by 2" in too_long


def test_length_line_warns_when_over():
    assert length_line("hello").startswith("5/280")
    assert length_line("😀" * 141).startswith(":warning: *282/280*")


def test_modal_quotes_the_post_safely_and_is_a_valid_view():
    view = reply_modal(MENTION, DRAFT, state=CardState(), user="U0ALICE", saved_replies=("Thanks!", "DM us"))
    assert validate_view(view) == []
    post = next(block for block in view["blocks"] if block["block_id"] == "post")
    assert "&lt;b&gt;order&lt;/b&gt;" in post["text"]["text"]
    assert ReplyDraft.from_metadata(view["private_metadata"]) == DRAFT
    text_input = next(block for block in view["blocks"] if block["type"] == "input")
    assert text_input["dispatch_action"] is True
    assert text_input["element"]["dispatch_action_config"] == {"trigger_actions_on": ["on_character_entered"]}


def test_modal_warns_about_a_claim_by_someone_else_and_earlier_replies():
    state = CardState(claimed_by=Mark("U0BOB", 1.0), replies=(Reply("U0BOB", "On it", "9", "u", 2.0),))
    others = reply_modal(MENTION, DRAFT, state=state, user="U0ALICE")["blocks"][0]
    texts = [element["text"] for element in others["elements"]]
    assert any("<@U0BOB> has claimed" in text for text in texts)
    assert any("<@U0BOB> already replied: On it" in text for text in texts)
    holder_view = reply_modal(MENTION, DRAFT, state=CardState(claimed_by=Mark("U0ALICE", 1.0)), user="U0ALICE")
    assert all(block["block_id"] != "others" for block in holder_view["blocks"])


def test_a_saved_reply_goes_into_a_fresh_input_and_is_read_back_from_it():
    filled = ReplyDraft(mention_id="1001", nonce="n1", channel="C0MENTIONS", fill=1)
    view = reply_modal(MENTION, filled, state=CardState(), user="U0ALICE", prefill="Thanks!")
    text_input = next(block for block in view["blocks"] if block["type"] == "input")
    assert text_input["block_id"] == "reply_text.1"
    assert text_input["element"]["initial_value"] == "Thanks!"
    assert view["blocks"][-1]["elements"][0]["text"].startswith("7/280")
    values = {"reply_text.1": {"reply.text": {"type": "plain_text_input", "value": "Thanks!"}}}
    assert typed_text(values, filled) == "Thanks!"
    assert typed_text({}, filled) == ""


def test_submission_errors_appear_under_the_input():
    assert submission_errors("fine", DRAFT) == {}
    assert list(submission_errors("", DRAFT)) == ["reply_text"]
