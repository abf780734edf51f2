"""How a counterpart's request is signed, one definition for the server that
checks and the client (``cuakhau counterpart``) that signs.

HMAC-SHA256, keyed with the counterpart's secret, over the timestamp, the
method, the path with its query and the body, joined by newlines: a signature
cannot be moved to another request, and an old one is refused by its age."""

import hashlib
import hmac
import secrets

KEY_HEADER = "X-Cuakhau-Key"
TIMESTAMP_HEADER = "X-Cuakhau-Timestamp"
SIGNATURE_HEADER = "X-Cuakhau-Signature"
SCHEME = "sha256="


def secret_for(server_secret: str, key_salt: str) -> str:
    """The counterpart's secret, derived, never stored: handed to the other side
    once when the counterpart is added."""
    return hmac.new(
        server_secret.encode(), f"counterpart:{key_salt}".encode(), "sha256"
    ).hexdigest()


def new_key() -> tuple[str, str]:
    """A key id to publish and a salt to keep."""
    return f"cp_{secrets.token_hex(8)}", secrets.token_hex(32)


def signature(secret: str, timestamp: str, method: str, path: str, body: bytes) -> str:
    signed = f"{timestamp}\n{method.upper()}\n{path}\n".encode() + body
    return SCHEME + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signed_headers(
    key_id: str, secret: str, timestamp: int, method: str, path: str, body: bytes
) -> dict[str, str]:
    stamp = str(timestamp)
    return {
        KEY_HEADER: key_id,
        TIMESTAMP_HEADER: stamp,
        SIGNATURE_HEADER: signature(secret, stamp, method, path, body),
    }


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
