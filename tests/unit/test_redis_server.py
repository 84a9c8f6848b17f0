"""Finding or starting a Redis: real servers, no mocks."""

from __future__ import annotations

import pytest

from birdhouse.errors import RedisUnavailable
from birdhouse.redis_server import PrivateRedis, answers, connect, describe, new_enough, redact_url, resolve


def test_a_private_server_starts_durable_and_stops(tmp_path):
    with PrivateRedis(tmp_path / "redis") as server:
        connection = connect(server.url)
        assert connection.ping()
        assert connection.config_get("appendonly")["appendonly"] == "yes"
        assert connection.config_get("maxmemory-policy")["maxmemory-policy"] == "noeviction"
        connection.set("kept", "1")
    assert not answers(server.url)
    assert (tmp_path / "redis").exists()


def test_data_survives_a_restart_of_the_private_server(tmp_path):
    with PrivateRedis(tmp_path / "redis") as first:
        connect(first.url).set("card", "C1:123")
    with PrivateRedis(tmp_path / "redis") as second:
        assert connect(second.url).get("card") == b"C1:123"


def test_redis_url_that_answers_is_used_as_it_is(tmp_path):
    with PrivateRedis(tmp_path / "redis") as server:
        choice = resolve(server.url, tmp_path / "unused")
        assert (choice.url, choice.private, choice.reason) == (server.url, None, "REDIS_URL is set")


def test_redis_url_that_does_not_answer_is_an_error_naming_it_without_its_password(tmp_path):
    with pytest.raises(RedisUnavailable, match=r"REDIS_URL=redis://\*\*\*@127.0.0.1:1/0 does not answer"):
        resolve("redis://user:hunter2@127.0.0.1:1/0", tmp_path)


def test_redact_url_hides_credentials_only():
    assert redact_url("redis://:pw@host:6379/0") == "redis://***@host:6379/0"
    assert redact_url("redis://host:6379/0") == "redis://host:6379/0"


def test_the_description_says_version_and_persistence(tmp_path):
    with PrivateRedis(tmp_path / "redis") as server:
        described = describe(connect(server.url))
    assert described.startswith("Redis ")
    assert "appendonly yes" in described and "maxmemory-policy noeviction" in described
    assert "snapshots none" in described


def test_a_redis_that_stopped_is_described_as_not_answering(tmp_path):
    with PrivateRedis(tmp_path / "redis") as server:
        connection = connect(server.url)
    assert describe(connection).startswith("not answering")


@pytest.mark.parametrize(("version", "enough"), [("7.0.15", True), ("6.2.0", True), ("10.0", True),
                                                 ("6.0.16", False), ("5.0.7", False), ("?", False)])
def test_a_redis_older_than_6_2_is_too_old(version: str, enough: bool):
    assert new_enough(version) is enough
