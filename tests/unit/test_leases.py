"""Leases on a real Redis: a held lease outlives its seconds while its holder lives, and frees when let go."""

from __future__ import annotations

import redis

from birdhouse.store.leases import HeldLease, Lease
from tests.helpers import eventually

SECONDS = 0.2


def test_a_held_lease_is_renewed_past_its_seconds_and_no_one_else_gets_it_meanwhile(redis_conn: redis.Redis):
    other = Lease(redis_conn, "poll", SECONDS)
    looked = {"left": None, "renewals": 0}

    def renewed_five_times() -> bool:
        assert not other.acquire()  # at every look: still held
        left = redis_conn.pttl("bh:lease:poll")
        if looked["left"] is not None and left > looked["left"]:
            looked["renewals"] += 1  # its time left went back up
        looked["left"] = left
        return looked["renewals"] >= 5  # more than its 0.2 s in all

    with HeldLease(redis_conn, "poll", SECONDS) as held:
        assert held
        eventually(renewed_five_times)
    assert other.acquire()  # let go: free at once


def test_a_lease_whose_holder_died_frees_within_its_seconds(redis_conn: redis.Redis):
    assert Lease(redis_conn, "poll", SECONDS).acquire()  # its holder dies holding it: nothing renews it
    other = Lease(redis_conn, "poll", SECONDS)
    eventually(other.acquire)
