from workers.mentions import poll_window

NOW = 1_000_000.0


def test_a_poll_reads_after_the_cursor_when_there_is_one():
    window = poll_window("500", watching_since=NOW - 3600, now=NOW)
    assert (window.since_id, window.start_time, window.page_size, window.max_pages) == ("500", None, 100, 8)


def test_a_quiet_account_is_read_from_when_watching_began():
    window = poll_window(None, watching_since=NOW - 3600, now=NOW)
    assert window.since_id is None and window.start_time.timestamp() == NOW - 3600 - 10
    assert (window.page_size, window.max_pages) == (100, 8)


def test_the_very_first_run_reads_one_small_page_of_the_last_day():
    window = poll_window(None, watching_since=None, now=NOW)
    assert window.start_time.timestamp() == NOW - 86400
    assert (window.page_size, window.max_pages) == (20, 1)
