"""`triage()`: one X post (and its author) in, one `Triage` out. Pure and offline."""

from dataclasses import replace

from .cues import PRAISE_EMOJI, find_cues, noise_reasons, spam_score
from .language import detect_language
from .model import TriageModel, shipped_model
from .priority import priority
from .result import Triage
from .text import read_post_text

LEARNED_LABELS = ("question", "complaint", "praise")
UNCUED_MIN = 0.4  # chosen on train-split cross-validation (docs/triage.md)
SPAM_THRESHOLD = 1.0  # one strong spam sign, or a pitch made of several weak ones


def triage(post: dict, author: dict | None = None, *, model: TriageModel | None = None) -> Triage:
    """Label an X API v2 post object. `model` replaces the shipped weights (for evaluation)."""
    model = model or shipped_model()
    text = read_post_text(post.get("text") or "")
    language = detect_language(text.lower, text.words, post.get("lang"))
    # Emoji with no words are no language, but "@brand 👏👏" is praise all the same.
    ranked = language == "en" or (not text.words and bool(PRAISE_EMOJI.search(text.lower)))
    referenced = frozenset(ref.get("type") for ref in post.get("referenced_tweets") or ())

    spam_level, spam_signs = spam_score(text)
    spam = spam_level >= SPAM_THRESHOLD
    scores = dict.fromkeys(LEARNED_LABELS, 0.0)
    reasons: dict[str, tuple[str, ...]] = {}
    on = dict.fromkeys(LEARNED_LABELS, False)
    if ranked:
        cues = find_cues(text)
        present = model.features(text, cues)
        for label in LEARNED_LABELS:
            label_model = model.labels[label]
            scores[label] = label_model.score(present)
            # Spam that asks "are you struggling with debt?" is not a question to answer, and
            # "thanks for the 6 hour delay" is not praise, whatever the model or other cues say.
            vetoed = spam or text.is_retweet or any(label in cue.vetoes for cue in cues)
            asserted = any(label in cue.asserts for cue in cues)
            # A label none of its cues points at needs a surer model: words alone learned from a few
            # hundred posts ("hours", "gate") are weak evidence.
            cut = label_model.threshold if any(c.label == label for c in cues) else max(label_model.threshold, UNCUED_MIN)
            on[label] = (asserted or scores[label] >= cut) and not vetoed
            if on[label]:
                # Only cues are shown: single words learned from a few hundred posts ("seat", "just")
                # would mislead a reader more than they explain.
                cue_reasons = tuple(c.reason for c in cues if c.label == label)
                reasons[label] = cue_reasons or (f"worded like other {label}s ({scores[label]:.2f})",)
    elif language != "und":
        reasons["language"] = (f"written in '{language}': not triaged",)

    noise_signs = () if spam or any(on.values()) else noise_reasons(text, referenced, judged_content=ranked)
    noise = bool(noise_signs)
    scores["spam"] = spam_level
    scores["noise"] = 1.0 - max(scores[label] for label in LEARNED_LABELS) if noise else 0.0
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
