"""The ``birdhouse`` command as an operator runs it: a real process, real stdin/stdout."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
import urllib.request

from tests.conftest import ALICE, MENTIONS, Stack
from tests.helpers import eventually, free_port


def birdhouse(*args: str, stdin: str = "", env: dict[str, str] | None = None, cwd=None) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("SLACK_", "X_", "BIRDHOUSE_", "REDIS_URL"))}
    return subprocess.run([sys.executable, "-m", "birdhouse", *args], input=stdin, capture_output=True, text=True,
                          env={**environment, **(env or {})}, cwd=cwd, timeout=60)


def test_triage_reads_posts_on_stdin_and_writes_labels_on_stdout(tmp_path):
    posts = [
        {"id": "1", "text": "@acme how do I reset my password?"},
        {"id": "2", "text": "@acme your app crashed again and I lost my order. Terrible."},
        {"id": "3", "text": "@acme thank you, the new update is brilliant!"},
    ]
    result = birdhouse("triage", stdin="".join(json.dumps(post) + "\n" for post in posts), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(line["id"], line["question"], line["complaint"], line["praise"]) for line in lines] == [
        ("1", True, False, False),
        ("2", True, True, False),  # an open problem the brand can act on needs an answer too (docs/labelling.md)
        ("3", False, False, True)]


def test_triage_reports_a_malformed_line_and_keeps_the_rest(tmp_path):
    result = birdhouse("triage", stdin='{"id": "1", "text": "@acme where is my parcel?"}\nnot json\n', cwd=tmp_path)
    assert result.returncode == 1
    assert "line 2" in result.stderr
    assert json.loads(result.stdout.splitlines()[0])["id"] == "1"


def test_missing_configuration_names_every_variable_to_set(tmp_path):
    result = birdhouse("worker", env={"SLACK_BOT_TOKEN": "xoxb-1"}, cwd=tmp_path)
    assert result.returncode == 2
    for name in ("SLACK_SIGNING_SECRET", "X_API_KEY", "BIRDHOUSE_MENTIONS_CHANNEL"):
        assert f"{name} is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_passes_against_healthy_services(stack: Stack, tmp_path):
    result = birdhouse("check", env=stack.environment, cwd=tmp_path)
    assert "Slack: bot @birdhouse" in result.stdout
    assert "X: signed in as @acme" in result.stdout
    assert "BIRDHOUSE_MENTIONS_CHANNEL: #social-mentions" in result.stdout


def test_check_says_plainly_what_is_wrong(stack: Stack, tmp_path):
    environment = {**stack.environment, "SLACK_BOT_TOKEN": "xoxb-wrong", "X_ACCESS_TOKEN": "1-wrong",
                   "BIRDHOUSE_SUPPORT_CHANNEL": "C0NOSUCH"}
    stack.x.forbid("followers")
    result = birdhouse("check", env=environment, cwd=tmp_path)
    assert result.returncode == 1
    assert "FAIL  Slack: auth.test failed (invalid_auth): check SLACK_BOT_TOKEN" in result.stdout
    assert "FAIL  X: users/me failed" in result.stdout and "X_ACCESS_TOKEN" in result.stdout
    assert "xoxb-wrong" not in result.stdout + result.stderr


def test_check_names_a_channel_the_bot_was_removed_from_and_one_archived(stack: Stack, tmp_path):
    stack.slack.remove_app(stack.settings.followers_channel)
    stack.slack.archive(stack.settings.support_channel)
    result = birdhouse("check", env=stack.environment, cwd=tmp_path)
    assert result.returncode == 1
    assert "FAIL  BIRDHOUSE_FOLLOWERS_CHANNEL: #social-followers: the bot is not a member; /invite it" in result.stdout
    assert "FAIL  BIRDHOUSE_SUPPORT_CHANNEL: #support: archived, so Slack takes no message there" in result.stdout
    assert "ok   BIRDHOUSE_MENTIONS_CHANNEL: #social-mentions" in result.stdout


def test_check_says_which_redis_it_uses_and_why(stack: Stack, tmp_path):
    result = birdhouse("check", env=stack.environment, cwd=tmp_path)
    assert f"using Redis at {stack.environment['REDIS_URL']}: REDIS_URL is set; Redis " in result.stderr
    assert "appendonly yes" in result.stderr and "maxmemory-policy noeviction" in result.stderr


def test_check_against_services_that_do_not_answer_says_where_it_knocked_once_each(stack: Stack, tmp_path):
    nowhere = f"http://127.0.0.1:{free_port()}"
    environment = {**stack.environment, "SLACK_API_URL": f"{nowhere}/api/", "X_API_URL": nowhere}
    result = birdhouse("check", env=environment, cwd=tmp_path)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert output.count("Connection refused") == 1  # the Slack finding, not slack_sdk's ERROR line as well
    assert "slack_sdk" not in output
    assert (f"FAIL  X: users/me failed: X did not answer users_me at {nowhere}/2/users/me (ConnectionError): "
            "could not connect: is X_API_URL right") in result.stdout


def test_version():
    result = birdhouse("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"birdhouse {importlib.metadata.version('birdhouse')}"


def test_check_says_when_the_access_level_lacks_follower_lookup(stack: Stack, tmp_path):
    stack.x.forbid("followers")
    result = birdhouse("check", env=stack.environment, cwd=tmp_path)
    assert ("FAIL  X followers: the access level does not include follower lookup: new-follower cards are off, "
            "everything else runs") in result.stdout
    assert "ok   X: signed in as @acme" in result.stdout


def test_birdhouse_run_serves_slack_and_works_the_queues_in_one_command(stack: Stack, tmp_path):
    """A small team's whole deployment: one process polls X, posts cards and answers the buttons."""
    author = stack.x.add_user("dana")
    post = stack.x.post(author["id"], "@acme how do I change my delivery address?")
    port = free_port()
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "X_", "BIRDHOUSE_"))}
    process = subprocess.Popen([sys.executable, "-m", "birdhouse", "run", "--port", str(port)],
                               env={**environment, **stack.environment, "BIRDHOUSE_POLL_INTERVAL": "1"}, cwd=tmp_path,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        [card] = eventually(stack.cards)
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).status == 200
        stack.slack.request_url = f"http://127.0.0.1:{port}/slack/events"

        assert stack.slack.click(ALICE, MENTIONS, card["ts"], "mention.claim").status == 200

        eventually(lambda: "Claimed by <@U0ALICE>" in json.dumps(stack.slack.message(MENTIONS, card["ts"])))
        assert card["metadata"]["event_payload"]["tweet_id"] == post["id"]
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_socket_mode_without_an_app_token_says_what_to_set(stack: Stack, tmp_path):
    result = birdhouse("socket", env=stack.environment, cwd=tmp_path)
    assert result.returncode == 2
    assert "SLACK_APP_TOKEN is not set" in result.stderr


def test_check_says_which_ingest_modes_the_access_level_allows(stack: Stack, tmp_path):
    result = birdhouse("check", env={**stack.environment, "BIRDHOUSE_INGEST": "stream"}, cwd=tmp_path)
    assert "ok   X ingest: poll, stream and webhook allowed" in result.stdout
    assert "ok   BIRDHOUSE_INGEST: stream, with a reconciling poll every 900 s" in result.stdout

    webhook = birdhouse("check", env={**stack.environment, "BIRDHOUSE_INGEST": "webhook"}, cwd=tmp_path)
    assert "FAIL  BIRDHOUSE_INGEST: webhook needs BIRDHOUSE_WEBHOOK_URL" in webhook.stdout

    no_token = {key: value for key, value in stack.environment.items() if key != "X_BEARER_TOKEN"}
    polling = birdhouse("check", env=no_token, cwd=tmp_path)
    assert "ok   X ingest: poll only (X_BEARER_TOKEN is not set" in polling.stdout
    assert "ok   BIRDHOUSE_INGEST: poll, every 60 s" in polling.stdout


def test_stream_and_webhook_modes_without_their_settings_say_what_to_set(stack: Stack, tmp_path):
    no_token = {key: value for key, value in stack.environment.items() if key != "X_BEARER_TOKEN"}
    stream = birdhouse("worker", env={**no_token, "BIRDHOUSE_INGEST": "stream"}, cwd=tmp_path)
    assert stream.returncode == 2 and "X_BEARER_TOKEN is not set" in stream.stderr
    webhook = birdhouse("worker", env={**stack.environment, "BIRDHOUSE_INGEST": "webhook"}, cwd=tmp_path)
    assert webhook.returncode == 2 and "BIRDHOUSE_WEBHOOK_URL is not set" in webhook.stderr
