"""Which language a post is in, so that English-only cues never misfire on other languages.

Non-Latin scripts are recognised by their Unicode ranges. Latin-script languages are told apart
by counting very common function words (and a few letters only some languages use); X's own
guess (`post["lang"]`) counts as extra evidence, because it is right most of the time but not on
short posts. A Latin-script post with no evidence either way is taken as English: Birdhouse is
English-first, and such posts are mostly a word or two ("legends 🙌").
"""

import re

UNDETERMINED = "und"

# X's codes for "no linguistic content" and its other non-answers.
_X_NON_LANGUAGES = frozenset({"und", "zxx", "qme", "qht", "qam", "qst", "art"})
_X_GUESS_WEIGHT = 2
_MIN_EVIDENCE = 2

_SCRIPTS = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),  # kana before Han: Japanese mixes both
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
)

# Words shared with English ("a", "as", "die", "was", "van") are left out of the other lists.
_FUNCTION_WORDS = {
    "en": "the a an and or but is are was were be been being i you we they he she my me your our "
    "their it this that these to of in on for with at from by about as if so not no do does did "
    "can can't don't won't i'm it's you're i've what how why when where who which will would "
    "should could have has had get got just still again all any one up out there here like "
    "please thanks thank sorry",
    "es": "el la los las de del y que en un una por para con es está mi mis tu su se lo nadie "
    "cómo qué porque pero muy gracias hola mejor nada",
    "fr": "le la les de des du et est un une pour avec pas je mon ma mes vous votre ne que qui "
    "depuis merci bonjour c'est n'ai toujours très",
    "de": "der das und ist nicht ein eine ich mein mich sie wir für mit auf zu von seit wo "
    "wie danke kein keine",
    "pt": "os de da é um uma para com não meu minha você vocês que foi ninguém "
    "obrigado obrigada muito têm",
    "it": "il lo la gli le di è un una per con non mio mia che da sono grazie cosa devo ho",
    "nl": "het een en niet ik mijn je jij voor met wanneer bedankt dank",
    "tr": "ve bir için ile çok ama kimse değil edildi teşekkürler",
}
_FUNCTION_WORD_LANGUAGES: dict[str, tuple[str, ...]] = {}
for _language, _words in _FUNCTION_WORDS.items():
    for _word in _words.split():
        _FUNCTION_WORD_LANGUAGES[_word] = _FUNCTION_WORD_LANGUAGES.get(_word, ()) + (_language,)

# Letters that English never uses; each occurrence is one point for the languages that do.
_LETTER_HINTS = {"ñ¿¡": ("es",), "ãõ": ("pt",), "ç": ("fr", "pt", "tr"), "ß": ("de",),
                 "äöü": ("de", "tr"), "ğış": ("tr",), "èàù": ("fr", "it"), "êô": ("fr", "pt")}


def detect_language(text: str, words: tuple[str, ...], x_lang: str | None = None) -> str:
    """ISO 639-1 code of `text`, or "und" when it has no words at all (emoji, bare mentions)."""
    for language, script in _SCRIPTS:
        if len(script.findall(text)) >= 2:  # one letter is a kaomoji ( ˘ω˘ ), not Greek
            return language
    if not words:
        return UNDETERMINED
    evidence: dict[str, int] = {}
    for word in words:
        for language in _FUNCTION_WORD_LANGUAGES.get(word, ()):
            evidence[language] = evidence.get(language, 0) + 1
    for letters, languages in _LETTER_HINTS.items():
        hits = sum(text.count(letter) for letter in letters)
        for language in languages if hits else ():
            evidence[language] = evidence.get(language, 0) + hits
    if x_lang and x_lang not in _X_NON_LANGUAGES:
        evidence[x_lang] = evidence.get(x_lang, 0) + _X_GUESS_WEIGHT
    # Ties go to English, and one stray word ("Chicago IL", "OS build") is not enough to leave it.
    best = max(evidence, key=lambda language: (evidence[language], language == "en"), default="en")
    return best if evidence.get(best, 0) >= _MIN_EVIDENCE else "en"
