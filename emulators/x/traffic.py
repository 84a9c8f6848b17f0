"""Believable fake traffic for the X emulator: people mentioning the brand, and new followers.

The mix is what a brand account sees and what triage has to cope with: questions, complaints (some of
them sarcastic), praise, spam, noise, a few posts in other languages, and text that would break Slack if
it were not escaped (``&``, ``<``, ``>``, ``<!channel>``, ``<@U123>``). Followers range from notable
accounts to obvious bots. It drives an ``XEmulator`` in-process or, given a base URL, over the HTTP
control API, so ``make demo`` can run it in its own process. Seeded: the same seed tells the same story.
"""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from typing import Any

from emulators.x.emulator import XEmulator

_FIRST = ["Ana", "Ben", "Chloe", "Dev", "Elif", "Femi", "Grace", "Hiro", "Ines", "Jonas", "Kemal", "Lena", "Marco",
          "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen", "Yara", "Zoe"]
_LAST = ["Silva", "Okafor", "Martin", "Patel", "Kaya", "Adeyemi", "Lee", "Tanaka", "Garcia", "Berg", "Yilmaz",
         "Novak", "Rossi", "Haddad", "Ali", "Sharma", "Walsh", "Moreno", "Larsen", "Aziz", "Rao", "Petrov", "Chen"]

_MENTIONS: dict[str, list[str]] = {
    "question": [
        "@{brand} is there a way to export my data as CSV?",
        "hey @{brand}, does the Pro plan include SSO?",
        "@{brand} how do I reset my password? the link in the email has expired",
        "Quick one @{brand}: do you ship to Canada?",
        "@{brand} when will the Android app support dark mode?",
    ],
    "complaint": [
        "@{brand} my order #48213 still hasn't arrived after 3 weeks. Nobody answers email.",
        "@{brand} your app logged me out again and I lost everything I typed. Fix this.",
        "Charged twice this month @{brand}. Please refund the duplicate.",
        "Wow @{brand}, 45 minutes on hold and then the call dropped. Truly world-class service.",
        "Love how @{brand} 'upgraded' the app so nothing works anymore. Great job, really.",
    ],
    "praise": [
        "Shoutout to @{brand} support, fixed my issue in 5 minutes!",
        "@{brand} the new release is fantastic, thank you",
        "Been using @{brand} for a year now and it just keeps getting better",
    ],
    "spam": [
        "@{brand} 🚀🚀 100x crypto gains, DM me for the signal group 💰 https://bit.ly/3xG4iNz",
        "@{brand} Get 10K followers today!!! Cheap & fast >>> https://followers-now.example",
        "@{brand} @{brand} @{brand} free giveaway click https://t.co/sp4mmy",
    ],
    "noise": [
        "lol @{brand}",
        "@{brand} 👀",
        "watching the game with @{brand} stickers on my laptop",
        "@{brand} first",
    ],
    "foreign": [
        "@{brand} ¿Tienen soporte en español? Mi cuenta está bloqueada.",
        "@{brand} Bonjour, ma commande n'est toujours pas arrivée.",
        "@{brand} 注文した商品がまだ届きません。確認してもらえますか？",
        "@{brand} Wann kommt das nächste Update?",
    ],
    "markup": [
        "@{brand} Q&A tonight? <3 your team & your product",
        "@{brand} price went from 10 -> 20 dollars, that's > 2x. <!channel> look at this",
        "@{brand} tell <@U123> their <script>alert(1)</script> demo is broken & slow",
        "@{brand} <!here> <!channel> urgent!!! a < b && b > c",
    ],
}
_MENTION_WEIGHTS = {"question": 25, "complaint": 20, "praise": 15, "spam": 10, "noise": 15, "foreign": 7,
                    "markup": 8}
_LANGS = {"foreign": ["es", "fr", "ja", "de"]}
_REPLIES = ["Thanks, that worked!", "Still broken, sorry.", "Any update on this?", "ok but why does it take so long"]

_NOTABLE = [
    ("Tech reporter at The Daily Ledger. Covering startups & SaaS.", "business"),
    ("Founder @acme. Investor. Writing about product.", "blue"),
    ("Official account of the City Transport Authority", "government"),
    ("Podcast host, 2M listeners. Opinions mine.", "blue"),
]
_ORDINARY_BIOS = ["coffee, code, cats", "dad of two. runner.", "", "PhD student | ML", "designer in Lisbon",
                  "just here for the memes"]


class _InProcess:
    def __init__(self, x: XEmulator) -> None:
        self._x = x

    def add_user(self, fields: dict[str, Any]) -> dict[str, Any]:
        return self._x.add_user(**fields)

    def post(self, fields: dict[str, Any]) -> dict[str, Any]:
        return self._x.post(**fields)

    def add_follower(self, user_id: str) -> None:
        self._x.add_follower(user_id)

    def state(self) -> dict[str, Any]:
        return self._x.state()


class _OverHttp:
    def __init__(self, base_url: str) -> None:
        self._base = base_url.rstrip("/") + "/_emulator/x"

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self._base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            # The control API answers 400 for a taken username: same signal as the in-process ValueError.
            raise ValueError(error.read().decode("utf-8", "replace")) from error

    def add_user(self, fields: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/users", fields)

    def post(self, fields: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/posts", fields)

    def add_follower(self, user_id: str) -> None:
        self._call("POST", "/followers", {"user_id": user_id})

    def state(self) -> dict[str, Any]:
        return self._call("GET", "/state")


class TrafficSource:
    def __init__(self, emulator_or_base_url: XEmulator | str, seed: int = 0) -> None:
        self._target = (_OverHttp(emulator_or_base_url) if isinstance(emulator_or_base_url, str)
                        else _InProcess(emulator_or_base_url))
        self._rng = random.Random(seed)
        self._brand = self._target.state()["brand"]["username"]
        self._authors: list[dict[str, Any]] = []

    # -- people ------------------------------------------------------------------------------------
    def _age(self, low_days: int, high_days: int) -> str:
        created = datetime.now(timezone.utc) - timedelta(days=self._rng.randint(low_days, high_days))
        return created.isoformat()

    def _new_user(self, kind: str) -> dict[str, Any]:
        rng = self._rng
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        if kind == "bot":
            fields = {"username": f"{first.lower()}{rng.randint(10**7, 10**8 - 1)}", "name": first,
                      "followers_count": rng.randint(0, 3), "following_count": rng.randint(2000, 5000),
                      "tweet_count": rng.randint(0, 2), "created_at": self._age(0, 20),
                      "default_profile_image": True}
        elif kind == "notable":
            bio, verified_type = rng.choice(_NOTABLE)
            fields = {"username": f"{first}{last}"[:12] + str(rng.randint(1, 99)), "name": f"{first} {last}",
                      "followers_count": rng.randint(50_000, 2_000_000), "following_count": rng.randint(100, 2000),
                      "tweet_count": rng.randint(5_000, 80_000), "listed_count": rng.randint(500, 20_000),
                      "created_at": self._age(2000, 5000), "description": bio, "verified": True,
                      "verified_type": verified_type, "url": f"https://{last.lower()}.example.com",
                      "location": rng.choice(["New York", "London", "Berlin", "Lagos", "Tokyo"])}
        else:
            fields = {"username": f"{first.lower()}_{last.lower()}"[:11] + str(rng.randint(1, 9999)),
                      "name": f"{first} {last}", "followers_count": rng.randint(10, 2000),
                      "following_count": rng.randint(50, 1500), "tweet_count": rng.randint(20, 20_000),
                      "created_at": self._age(200, 4000), "description": rng.choice(_ORDINARY_BIOS)}
        for _ in range(5):
            try:
                return self._target.add_user(fields)
            except ValueError:  # username taken: another source or an earlier run picked it
                fields["username"] = fields["username"][:11] + str(rng.randint(1000, 9999))
        raise RuntimeError("could not find a free username")

    def _author(self) -> dict[str, Any]:
        # Customers come back: a third of mentions are from someone who wrote before.
        if self._authors and self._rng.random() < 0.33:
            return self._rng.choice(self._authors)
        author = self._new_user(self._rng.choices(["ordinary", "notable", "bot"], [85, 5, 10])[0])
        self._authors.append(author)
        return author

    # -- events ------------------------------------------------------------------------------------
    def mention(self, kind: str | None = None, index: int | None = None) -> dict[str, Any]:
        """Posts one mention of the brand (of ``kind``, or of a kind drawn by weight; its ``index``-th text, or one
        drawn) and returns it. Now and then, instead of a drawn one, someone the brand answered writes back under
        the brand's reply, as people do."""
        answered = [post for post in self._target.state()["posts_by_brand"] if post.get("in_reply_to_user_id")]
        if kind is None and answered and self._rng.random() < 0.15:
            brand_reply = self._rng.choice(answered)
            return self._target.post({"author_id": brand_reply["in_reply_to_user_id"],
                                      "text": self._rng.choice(_REPLIES),
                                      "in_reply_to_tweet_id": brand_reply["id"]})
        author = self._author()
        kind = kind or self._rng.choices(list(_MENTION_WEIGHTS), list(_MENTION_WEIGHTS.values()))[0]
        index = self._rng.randrange(len(_MENTIONS[kind])) if index is None else index
        lang = _LANGS[kind][index] if kind in _LANGS else "en"
        text = _MENTIONS[kind][index].format(brand=self._brand)
        return self._target.post({"author_id": author["id"], "text": text, "lang": lang})

    def follower(self, kind: str | None = None) -> dict[str, Any]:
        """A new follower of the brand (``kind``, or mostly ordinary people, some bots, now and then someone
        notable)."""
        user = self._new_user(kind or self._rng.choices(["ordinary", "notable", "bot"], [70, 10, 20])[0])
        self._target.add_follower(user["id"])
        return user

    def opening(self) -> None:
        """One mention of each kind at once, for a visitor to see in the first minute rather than by chance: the
        first text of each, which reads as its kind without a doubt (some others are close calls for triage)."""
        for kind in _MENTION_WEIGHTS:
            self.mention(kind, index=0)

    def new_audience(self) -> None:
        """New followers of each kind at once: someone notable, someone ordinary, a bot."""
        for kind in ("notable", "ordinary", "bot"):
            self.follower(kind)

    def run(self, rate_per_minute: float, duration: float | None = None,
            stop_event: threading.Event | None = None) -> dict[str, int]:
        """Events at random (Poisson) times, three mentions for every follower, until ``duration`` seconds
        pass or ``stop_event`` is set. Returns how many of each it made."""
        stop = stop_event or threading.Event()
        deadline = None if duration is None else time.monotonic() + duration
        made = {"mentions": 0, "followers": 0}
        while not stop.is_set():
            wait = self._rng.expovariate(rate_per_minute / 60.0)
            if deadline is not None:
                wait = min(wait, max(0.0, deadline - time.monotonic()))
            if stop.wait(wait) or (deadline is not None and time.monotonic() >= deadline):
                break
            if self._rng.random() < 0.75:
                self.mention()
                made["mentions"] += 1
            else:
                self.follower()
                made["followers"] += 1
        return made
