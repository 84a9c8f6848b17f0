"""Turn the raw text of an X post into what the rules and the model look at.

X sends post text HTML-escaped (&amp; &lt; &gt;), so everything starts from `unescape`d text.
Mentions, links and hashtags are replaced by placeholders: who is addressed says little about
what is being said, and the model must not learn brand handles.
"""

import html
import re
from dataclasses import dataclass

_URL = re.compile(r"https?://\S+|\bwww\.\S+", re.IGNORECASE)
_MENTION = re.compile(r"@\w{1,15}")
_HASHTAG = re.compile(r"#\w+")
_LEADING_MENTIONS = re.compile(r"^(?:\s*@\w{1,15})+")
_RETWEET = re.compile(r"^RT @\w{1,15}:")
# Words keep inner apostrophes ("don't"); emoji and ?/! are tokens of their own because they carry tone.
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|\d+(?:[.,:]\d+)*|[?!]|[\U0001F000-\U0001FAFF\u2600-\u27BF]")
_CURLY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


@dataclass(frozen=True, slots=True)
class PostText:
    """One post's text in the forms triage needs."""

    raw: str  # unescaped, as the author wrote it
    body: str  # without leading @mentions, links and hashtags: the message itself, case kept
    lower: str  # `body` lower-cased with straight quotes, what the cue patterns run on
    words: tuple[str, ...]  # alphabetic tokens of `lower`
    tokens: tuple[str, ...]  # words plus numbers, ?/! and emoji: the model's vocabulary
    leading_mentions: int  # handles before the message starts: 2+ is often a conversation among others
    mentions: int
    urls: int
    is_retweet: bool


def read_post_text(escaped_text: str) -> PostText:
    raw = html.unescape(escaped_text or "")
    leading = _LEADING_MENTIONS.match(raw)
    leading_mentions = len(_MENTION.findall(leading.group(0))) if leading else 0
    body = _HASHTAG.sub(" ", _URL.sub(" ", raw[leading.end():] if leading else raw))
    # "@_" keeps the sentence readable for cues ("thanks to @_") but yields no token.
    body = " ".join(_MENTION.sub("@_", body).split())
    lower = body.lower().translate(_CURLY)
    tokens = tuple(_TOKEN.findall(lower))
    return PostText(
        raw=raw,
        body=body,
        lower=lower,
        words=tuple(t for t in tokens if t[0].isalpha()),
        tokens=tokens,
        leading_mentions=leading_mentions,
        mentions=len(_MENTION.findall(raw)),
        urls=len(_URL.findall(raw)),
        is_retweet=bool(_RETWEET.match(raw)),
    )
