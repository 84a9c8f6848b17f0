"""Telling new followers from known ones on a newest-first page, and when to read another page."""

from __future__ import annotations

from workers.followers import scan_page


def test_nobody_new_stops_after_the_page() -> None:
    assert scan_page(["5", "4", "3"], {"5", "4", "3", "2"}) == ([], False)


def test_new_followers_above_the_known_ones() -> None:
    assert scan_page(["9", "8", "5", "4"], {"5", "4"}) == (["9", "8"], False)


def test_a_refollower_on_top_does_not_hide_new_followers_below_them() -> None:
    # 4 unfollowed and followed again after 9 arrived: 4 is at the top, known; 9 is still new.
    assert scan_page(["4", "9", "5", "3"], {"5", "4", "3"}) == (["9"], False)


def test_a_page_whose_oldest_follower_is_new_asks_for_the_next() -> None:
    assert scan_page(["9", "8", "7"], {"5"}) == (["9", "8", "7"], True)


def test_an_empty_page_asks_for_nothing() -> None:
    assert scan_page([], set()) == ([], False)
