"""Who is calling: an app with its bearer token, or the brand's user through OAuth 1.0a.

OAuth 1.0a signatures are verified (HMAC-SHA1, RFC 5849), so a wrong consumer or token secret fails
here as it would against X instead of surfacing first in production. Clients sign the URL they believe
they call; behind the adapter that rewrites ``https://api.twitter.com/`` that is X's host, so both that
and the emulator's own address are accepted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from emulators.http import Request
from emulators.x import errors

X_ORIGIN = "https://api.twitter.com"
_OAUTH_PARAM = re.compile(r'(\w+)="([^"]*)"')
_REQUIRED = ("oauth_consumer_key", "oauth_token", "oauth_signature", "oauth_signature_method", "oauth_timestamp",
             "oauth_nonce")


@dataclass(frozen=True)
class Credentials:
    bearer_token: str = "emulator-bearer"
    api_key: str = "emulator-key"
    api_secret: str = "emulator-key-secret"
    access_token: str = "emulator-access"
    access_token_secret: str = "emulator-access-secret"


@dataclass(frozen=True)
class Caller:
    app_only: bool
    key: str  # whose rate-limit budget the call spends


def authenticate(request: Request, credentials: Credentials) -> Caller:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme == "Bearer" and hmac.compare_digest(value.encode(), credentials.bearer_token.encode()):
        return Caller(app_only=True, key="app")
    if scheme == "OAuth" and _valid_oauth1(request, dict(_OAUTH_PARAM.findall(value)), credentials):
        return Caller(app_only=False, key=credentials.access_token)
    raise errors.unauthorized()


def _encode(value: str) -> str:
    return quote(value, safe="~")


def _valid_oauth1(request: Request, header: dict[str, str], credentials: Credentials) -> bool:
    oauth = {name: unquote(value) for name, value in header.items()}
    if any(name not in oauth for name in _REQUIRED) or oauth["oauth_signature_method"] != "HMAC-SHA1":
        return False
    if oauth["oauth_consumer_key"] != credentials.api_key or oauth["oauth_token"] != credentials.access_token:
        return False
    params = [(name, value) for name, value in oauth.items() if name not in ("oauth_signature", "realm")]
    params += [(name, value) for name, values in request.query.items() for value in values]
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        params += list(request.form().items())
    normalized = "&".join(f"{k}={v}" for k, v in sorted((_encode(k), _encode(v)) for k, v in params))
    key = f"{_encode(credentials.api_secret)}&{_encode(credentials.access_token_secret)}".encode()
    own_origin = f"http://{request.headers.get('host', '')}"
    for origin in (X_ORIGIN, own_origin):
        base = "&".join((request.method.upper(), _encode(origin + request.path), _encode(normalized)))
        expected = base64.b64encode(hmac.new(key, base.encode(), hashlib.sha1).digest()).decode()
        if hmac.compare_digest(expected, oauth["oauth_signature"]):
            return True
    return False
