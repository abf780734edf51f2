"""Webhook signatures. Each enterprise has its own key, derived from the
installation's secret, so no enterprise can forge a notice to another and no
key needs storing. Rotating CUAKHAU_SECRET_KEY rotates every key.

A receiver checks a delivery by recomputing
``hex(HMAC-SHA256(key, timestamp + "." + raw_body))`` and comparing it, in
constant time, with the ``X-Cuakhau-Signature`` header after ``sha256=``;
``timestamp`` is the ``X-Cuakhau-Timestamp`` header (Unix seconds), which it
should also check is recent (e.g. within 5 minutes) to refuse replays.
"""

import hashlib
import hmac

SIGNATURE_HEADER = "X-Cuakhau-Signature"
TIMESTAMP_HEADER = "X-Cuakhau-Timestamp"


def enterprise_key(secret_key: str, enterprise_id: int) -> str:
    message = f"cuakhau-webhook:{enterprise_id}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def signature(key: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(key.encode(), signed, hashlib.sha256).hexdigest()
