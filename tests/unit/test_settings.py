from dataclasses import fields

import pytest

from birdhouse.errors import ConfigError
from birdhouse.settings import VARIABLES, Settings

COMPLETE = {
    "SLACK_BOT_TOKEN": "xoxb-1-2-abcdefghijkl",
    "SLACK_SIGNING_SECRET": "0123456789abcdef",
    "X_API_KEY": "key",
    "X_API_SECRET": "key-secret",
    "X_ACCESS_TOKEN": "access",
    "X_ACCESS_TOKEN_SECRET": "access-secret",
    "BIRDHOUSE_MENTIONS_CHANNEL": "C01",
    "BIRDHOUSE_FOLLOWERS_CHANNEL": "C02",
    "BIRDHOUSE_SUPPORT_CHANNEL": "C03",
}


def test_every_variable_has_a_settings_field():
    assert {variable.field for variable in VARIABLES} == {field.name for field in fields(Settings)}


def test_defaults_fill_what_is_optional():
    settings = Settings.load(environ=COMPLETE, dotenv=None)
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.x_api_url == "https://api.x.com"
    assert settings.poll_interval == 60.0
    assert settings.team == ()
    assert settings.redis_url is None


def test_every_missing_variable_is_named_at_once():
    with pytest.raises(ConfigError) as raised:
        Settings.load(environ={"SLACK_BOT_TOKEN": "xoxb-x"}, dotenv=None)
    message = str(raised.value)
    for name in ("SLACK_SIGNING_SECRET", "X_API_KEY", "BIRDHOUSE_MENTIONS_CHANNEL", "BIRDHOUSE_SUPPORT_CHANNEL"):
        assert f"{name} is not set" in message
    assert "SLACK_BOT_TOKEN" not in message


def test_invalid_values_say_what_is_expected():
    environ = {**COMPLETE, "BIRDHOUSE_POLL_INTERVAL": "-5", "BIRDHOUSE_MENTIONS_CHANNEL": "#social",
               "BIRDHOUSE_TEAM": "U1, alice", "X_API_URL": "api.x.com"}
    with pytest.raises(ConfigError) as raised:
        Settings.load(environ=environ, dotenv=None)
    problems = "\n".join(raised.value.problems)
    assert "BIRDHOUSE_POLL_INTERVAL is invalid (must be a positive number of seconds)" in problems
    assert "BIRDHOUSE_MENTIONS_CHANNEL is invalid (must be a channel id" in problems
    assert "BIRDHOUSE_TEAM is invalid (alice are not Slack user" in problems
    assert "X_API_URL is invalid (must start with http" in problems


def test_team_accepts_users_and_groups_separated_by_commas_or_spaces():
    settings = Settings.load(environ={**COMPLETE, "BIRDHOUSE_TEAM": "U1,W2  S3"}, dotenv=None)
    assert settings.team == ("U1", "W2", "S3")


def test_dotenv_file_is_read_and_the_environment_wins(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("BIRDHOUSE_POLL_INTERVAL=15\nBIRDHOUSE_SUPPORT_CHANNEL=C09\n")
    environ = {key: value for key, value in COMPLETE.items() if key != "BIRDHOUSE_SUPPORT_CHANNEL"}
    settings = Settings.load(environ={**environ, "BIRDHOUSE_POLL_INTERVAL": "30"}, dotenv=dotenv)
    assert settings.poll_interval == 30.0
    assert settings.support_channel == "C09"


def test_require_names_the_missing_optional_variable():
    settings = Settings.load(environ=COMPLETE, dotenv=None)
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN is not set"):
        settings.require("slack_app_token")
