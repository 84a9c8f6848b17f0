"""`triage()`: one X post (and its author) in, one `Triage` out. Pure and offline."""

from dataclasses import replace

from .cues import PRAISE_EMOJI, find_cues, noise_reasons, spam_score
from .language import UNDETERMINED, detect_language
from .model import LABELS as LEARNED_LABELS
from .model import TriageModel, shipped_model
from .priority import priority
from .result import Triage
from .text import read_post_text

SPAM_THRESHOLD = 1.0  # one strong spam sign, or a pitch made of several weak ones


def triage(post: dict, author: dict | None = None, *, model: TriageModel | None = None) -> Triage:
    """Label an X API v2 post object. `model` replaces the shipped one (for evaluation)."""
    model = model or shipped_model()
    escaped = post.get("text") or ""
    text = read_post_text(escaped)
    language = detect_language(text.raw)
    # Emoji with no words are no language, but "@brand 👏👏" is praise all the same.
    ranked = language == "en" or (not text.words and bool(PRAISE_EMOJI.search(text.lower)))
    referenced = frozenset(ref.get("type") for ref in post.get("referenced_tweets") or ())

    spam_level, spam_signs = spam_score(text)
    spam = spam_level >= SPAM_THRESHOLD
    scores = dict.fromkeys(LEARNED_LABELS, 0.0)
    on = dict.fromkeys(LEARNED_LABELS, False)
    reasons: dict[str, tuple[str, ...]] = {}
    if ranked:
        scores = model.scores(escaped)
        for label in LEARNED_LABELS:
            # A pitch that asks "are you struggling with debt?" is not a question to answer, and a repost is
            # someone else's words.
            on[label] = scores[label] >= model.labels[label].threshold and not (spam or text.is_retweet)
        shown = [label for label in LEARNED_LABELS if on[label]]
        cues = find_cues(text, frozenset(shown)) if shown else ()  # the reasons read, for the labels that are on
        for label in shown:
            cue_reasons = tuple(cue.reason for cue in cues if cue.label == label)
            reasons[label] = cue_reasons or (f"worded like other {label}s ({scores[label]:.2f})",)
    elif language != UNDETERMINED:
        reasons["language"] = (f"written in '{language}': not triaged",)

    noise_signs = () if spam or any(on.values()) else noise_reasons(text, referenced, judged_content=ranked)
    noise = bool(noise_signs)
    scores = {**scores, "spam": spam_level, "noise": 1.0 - max(scores.values()) if noise else 0.0}
    if spam:
        reasons["spam"] = spam_signs
    if noise:
        reasons["noise"] = noise_signs

    verdict = Triage(
        **on, spam=spam, noise=noise, language=language, ranked=ranked,
        scores={label: round(score, 3) for label, score in scores.items()}, reasons=reasons, priority=0,
    )
    rank = priority(verdict.kind, ranked=ranked, also_question=on["question"], author=author)
    return replace(verdict, priority=rank)
