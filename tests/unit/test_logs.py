import io
import logging

import pytest
import requests
import tweepy

from birdhouse import logs
from birdhouse.logs import MASK

TOKEN = "AAAAAAAAAAAAAAAAAAAAAbearer-secret-value"


@pytest.fixture
def log_output():
    output = io.StringIO()
    logs.configure("DEBUG", [TOKEN, "access-secret-xyz"], stream=output)
    yield output
    logging.getLogger().handlers.clear()


def test_configured_secrets_never_reach_the_log(log_output):
    logging.getLogger("birdhouse").info("calling X with %s and access-secret-xyz", TOKEN)
    err = log_output.getvalue()
    assert TOKEN not in err and "access-secret-xyz" not in err
    assert f"calling X with {MASK} and {MASK}" in err


def test_tweepy_debug_log_with_headers_is_held_back_even_at_debug_level(log_output):
    client = tweepy.Client(bearer_token=TOKEN)
    # A refused connection: tweepy logs the request (with its Authorization header) at DEBUG before sending.
    client.session.mount("https://api.twitter.com/", _Refusing())
    with pytest.raises(requests.ConnectionError):
        client.get_user(id="1")
    err = log_output.getvalue()
    assert TOKEN not in err
    assert "Making API request" not in err


class _Refusing(requests.adapters.BaseAdapter):
    def send(self, request, **kwargs):
        raise requests.ConnectionError("refused")

    def close(self):
        pass
