"""Which language a post is in, so that a model learned from English posts never guesses at another language.

py3langid (a maintained fork of langid.py that ships its model in its wheel) decides, restricted to the
languages brands commonly hear from, on the post's words without handles, links and hashtags. Short English
posts look like many languages ("ok", "legends 🙌"), so another language must be the identifier's clear
choice; otherwise the post is English. docs/triage.md compares it with lingua and with the hand-made word
counts it replaced, on short posts, for accuracy and speed.
"""

import re
from functools import cache

UNDETERMINED = "und"
# ISO 639-1 codes of the languages the identifier chooses among: the common ones on X.
LANGUAGES = ("en", "es", "fr", "de", "pt", "it", "nl", "tr", "ja", "ko", "zh", "ru", "ar", "he", "el", "th", "hi",
             "id", "pl", "sv", "da", "no", "fi", "ca", "tl", "ms", "vi", "uk", "cs", "ro", "hu")
MIN_CONFIDENCE = 0.7  # chosen on the fixtures' 63 other-language posts and real airline posts (docs/triage.md)
# The identifier's time grows with the text, and a post's language shows in its first words: of the 5,408 real
# airline posts whose words run longer than this, every one was called the same language on its first 140.
SAMPLE_CHARACTERS = 140
_NOT_WORDS = re.compile(r"https?://\S+|\bwww\.\S+|[@#]\w+", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def preload_language() -> None:
    """Load the language model now (``workers.triage.preload``)."""
    _identifier()


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text`` (unescaped), or "und" when it has no letters at all (emoji, bare handles)."""
    words = " ".join(_NOT_WORDS.sub(" ", text).split())
    if not _LETTER.search(words):
        return UNDETERMINED
    language, confidence = _identifier().classify(words[:SAMPLE_CHARACTERS])
    return language if language == "en" or confidence >= MIN_CONFIDENCE else "en"
