"""``/2/webhooks``: the app's callback URLs, X's CRC challenge, signed deliveries, and replays.

A webhook is valid once it has answered a CRC challenge: a GET with ``crc_token`` answered by
``{"response_token": "sha256=" + base64(HMAC-SHA256(consumer_secret, crc_token))}``. X refuses to
register a URL that fails it, and a registered one that fails a later check (``PUT /2/webhooks/{id}``)
is marked invalid and gets nothing until it passes again. Deliveries are POSTs of the event's JSON,
signed in ``x-twitter-webhooks-signature`` the same way over the raw body; they leave from one
background thread, in order, so publishing never waits on the app. A failed delivery is not retried
(the spec says nothing of retries): a replay is how an app gets it again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import queue
import secrets
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode, urlsplit

from emulators.x import errors, fields

CRC_TIMEOUT = 3.0  # X's docs: the CRC answer must come within 3 seconds
DELIVERY_TIMEOUT = 10.0
REPLAY_WINDOW = timedelta(hours=24)  # the spec: replays reach back up to 24 hours
SIGNATURE_HEADER = "x-twitter-webhooks-signature"


def signature(consumer_secret: str, message: bytes) -> str:
    """``sha256=`` + base64 HMAC-SHA256: both the CRC response_token and a delivery's signature header."""
    digest = hmac.new(consumer_secret.encode(), message, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


@dataclass
class Webhook:
    id: str
    url: str
    created_at: datetime
    valid: bool = True

    def config(self) -> dict[str, Any]:
        return {"id": self.id, "url": self.url, "valid": self.valid, "created_at": fields.timestamp(self.created_at)}


@dataclass
class Delivery:
    webhook_id: str
    body: bytes
    at: datetime
    replay_job: str | None = None
    status: int | None = None  # the app's answer; 0 when unreachable, None while queued
    headers: dict[str, str] = field(default_factory=dict)

    def event(self) -> Any:
        return json.loads(self.body)


class Webhooks:
    def __init__(self, consumer_secret: str, clock: Callable[[], float], new_id: Callable[[datetime], str]) -> None:
        self.consumer_secret = consumer_secret
        self._clock = clock
        self._new_id = new_id
        self._lock = threading.Lock()
        self.hooks: dict[str, Webhook] = {}
        self.deliveries: list[Delivery] = []
        self.crc_checks: list[tuple[str, bool]] = []  # (url, passed)
        self._outbox: queue.Queue[Delivery] = queue.Queue()
        self._idle = threading.Condition(self._lock)
        self._pending = 0
        self._sender: threading.Thread | None = None  # started by the first delivery

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), timezone.utc)

    # -- the CRC challenge -------------------------------------------------------------------------
    def crc(self, url: str) -> bool:
        token = secrets.token_urlsafe(24)
        separator = "&" if urlsplit(url).query else "?"
        expected = signature(self.consumer_secret, token.encode())
        try:
            with urllib.request.urlopen(url + separator + urlencode({"crc_token": token}),
                                        timeout=CRC_TIMEOUT) as answer:
                passed = answer.status == 200 and json.loads(answer.read()).get("response_token") == expected
        except (urllib.error.URLError, OSError, ValueError, AttributeError):
            passed = False
        with self._lock:
            self.crc_checks.append((url, passed))
        return passed

    def create(self, url: str) -> Webhook:
        if not self.crc(url):
            raise errors.invalid_request([{"message": f"The URL {url} failed the CRC check: it must answer GET "
                                                      "?crc_token= with the response_token within 3 seconds."}])
        created = self._now()
        webhook = Webhook(self._new_id(created), url, created)
        with self._lock:
            self.hooks[webhook.id] = webhook
        return webhook

    def check(self, webhook_id: str) -> bool:
        """A new CRC check (X repeats them); the webhook is valid as long as it passes them."""
        webhook = self.find(webhook_id)
        webhook.valid = self.crc(webhook.url)
        return webhook.valid

    def find(self, webhook_id: str) -> Webhook:
        with self._lock:
            webhook = self.hooks.get(webhook_id)
        if webhook is None:
            # The spec says nothing of unknown ids; X's webhook endpoints answer them as invalid requests.
            raise errors.invalid_request([errors.invalid_parameter("webhook_id", webhook_id,
                                                                   f"webhook_id [{webhook_id}] was not found")])
        return webhook

    def delete(self, webhook_id: str) -> None:
        self.find(webhook_id)
        with self._lock:
            del self.hooks[webhook_id]

    # -- deliveries --------------------------------------------------------------------------------
    def deliver(self, webhook_id: str, event: dict[str, Any], *, replay_job: str | None = None,
                body: bytes | None = None) -> None:
        with self._lock:
            webhook = self.hooks.get(webhook_id)
            if webhook is None or not webhook.valid:
                return  # X sends nothing to a deleted or invalid webhook, and keeps nothing to replay
            delivery = Delivery(webhook_id, body or json.dumps(event).encode(), self._now(), replay_job)
            self.deliveries.append(delivery)
            self._pending += 1
            if self._sender is None:
                self._sender = threading.Thread(target=self._send_forever, name="XWebhooks", daemon=True)
                self._sender.start()
        self._outbox.put(delivery)

    def _send_forever(self) -> None:
        while True:
            delivery = self._outbox.get()
            with self._lock:
                webhook = self.hooks.get(delivery.webhook_id)
            status = 0
            if webhook is not None:
                headers = {"Content-Type": "application/json",
                           SIGNATURE_HEADER: signature(self.consumer_secret, delivery.body)}
                delivery.headers = headers
                request = urllib.request.Request(webhook.url, data=delivery.body, headers=headers, method="POST")
                try:
                    with urllib.request.urlopen(request, timeout=DELIVERY_TIMEOUT) as answer:
                        status = answer.status
                except urllib.error.HTTPError as answer:
                    status = answer.code
                except (urllib.error.URLError, OSError):
                    status = 0
            with self._lock:
                delivery.status = status
                self._pending -= 1
                self._idle.notify_all()

    def wait_until_sent(self, timeout: float = 10.0) -> bool:
        """True once every queued delivery has been answered (or failed)."""
        with self._lock:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    # -- replay ------------------------------------------------------------------------------------
    def replay(self, webhook_id: str, since: datetime, until: datetime) -> tuple[str, datetime]:
        """Re-sends what was delivered (or tried) to the webhook between ``since`` and ``until`` inclusive,
        then X's job-status event; answers the job id and when the job was made."""
        self.find(webhook_id)
        now = self._now()
        if until < since or since < now - REPLAY_WINDOW:
            raise errors.invalid_request([{"message": "from_date must be before to_date and within the last "
                                                      "24 hours"}])
        job_id = self._new_id(now)
        with self._lock:
            past = [d for d in self.deliveries if d.webhook_id == webhook_id and d.replay_job is None
                    and since <= d.at < until + timedelta(minutes=1)]
        for delivery in past:
            self.deliver(webhook_id, {}, replay_job=job_id, body=delivery.body)
        # Not in the spec: X's docs end a replay with this event, so the app knows the backlog is done.
        self.deliver(webhook_id, {"replay_job_status": {"webhook_id": webhook_id, "job_state": "Complete",
                                                        "job_state_description": "Job completed successfully",
                                                        "job_id": job_id}}, replay_job=job_id)
        return job_id, now
