from slackbot.views import mrkdwn


def test_escape_stops_pings_and_links():
    assert mrkdwn.escape("<!channel> & <@U1> <https://evil|click>") == (
        "&lt;!channel&gt; &amp; &lt;@U1&gt; &lt;https://evil|click&gt;"
    )


def test_quote_quotes_every_line_and_escapes_it():
    assert mrkdwn.quote("hi <!here>\nsecond & last") == ">hi &lt;!here&gt;\n>second &amp; last"


def test_link_label_cannot_break_out_of_the_link():
    assert mrkdwn.link("https://x.com/a|b>c", "evil> <!channel>") == (
        "<https://x.com/a%7Cb%3Ec|evil&gt; &lt;!channel&gt;>"
    )


def test_date_renders_in_the_readers_time_zone_with_a_fallback():
    assert mrkdwn.date("2026-11-26T05:00:00.000Z") == (
        "<!date^1795669200^{date_short_pretty} at {time}|2026-11-26T05:00:00.000Z>"
    )


def test_truncate_marks_the_cut():
    assert mrkdwn.truncate("abcdef", 4) == "abc…"
    assert mrkdwn.truncate("abc", 4) == "abc"
