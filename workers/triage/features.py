"""What the learned model reads in a post: word unigrams and bigrams, and character n-grams within words.

The same function feeds training (as scikit-learn's analyzer, in tools/train_triage.py) and inference
(`model.py`), so the two cannot drift apart. Handles and links become placeholders, hashtags their words:
who is addressed says little about what is said, and the model must not learn brand names.

Words of the airline trade ("flight", "gate", "baggage"...) are replaced by one placeholder, so a model
learned from airline posts has to learn how people ask and complain, not what airlines sell: Birdhouse
serves brands of every industry. docs/triage.md measures what that costs on airline posts.
"""

import html
import re

_URL = re.compile(r"https?://\S+|\bwww\.\S+", re.IGNORECASE)
_MENTION = re.compile(r"@\w{1,15}")
_CURLY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "#": " "})
_WORD = re.compile(r"_[a-z]+_|[^\W\d_]+(?:'[^\W\d_]+)*|\d+|[?!]|[\U0001F000-\U0001FAFF\u2600-\u27BF]")
CHAR_SIZES = range(2, 6)
DOMAIN_PLACEHOLDER = "_trade_"
# The airline trade's own words; words every business uses ("delay", "refund", "staff", "connection") stay.
_DOMAIN = re.compile(r"\b(?:" + "|".join("""
flights? flying fly flies flew flown airlines? airways planes? aircraft airports? gates? boarding boarded aboard
baggage bags? luggage suitcases? carousel seats? seating pilots? crews? attendants? cockpit runway tarmac takeoff
lounge layovers? jets? mileage skymiles aadvantage mileageplus tsa precheck jfk lax lga ord atl dfw sfo den mco lhr
bos ewr dca iad phx clt msp dtw
""".split()) + r")\b")


def feature_text(escaped_text: str) -> str:
    """The post's words, lower-cased, as the model reads them (X sends text HTML-escaped)."""
    text = _MENTION.sub(" @_ ", _URL.sub(" _url_ ", html.unescape(escaped_text or "")))
    return " ".join(_DOMAIN.sub(DOMAIN_PLACEHOLDER, text.lower().translate(_CURLY)).split())


def word_grams(text: str) -> list[str]:
    """Word unigrams and bigrams of ``feature_text`` output."""
    tokens = _WORD.findall(text)
    return tokens + [f"{first} {second}" for first, second in zip(tokens, tokens[1:])]


def char_grams(text: str) -> list[str]:
    """Character n-grams of each word padded with spaces (what scikit-learn calls char_wb)."""
    return [gram for word in text.split() for gram in word_char_grams(word)]


def word_char_grams(word: str) -> list[str]:
    """The character n-grams of one word, padded with spaces."""
    padded = f" {word} "
    return [padded[start:start + size] for size in CHAR_SIZES if size <= len(padded)
            for start in range(len(padded) - size + 1)]
