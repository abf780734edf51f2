"""Where a webhook may go: never into the installation's own network.

An enterprise chooses its webhook URL, and the server connects to it. A URL
whose host is or resolves to a loopback, private, link-local, shared, multicast,
reserved or unspecified address (in any spelling: ``2130706433``, ``0x7f.1``,
``[::ffff:127.0.0.1]``, an IPv6 address embedding one of IPv4's) would let anyone
with an account reach services inside the network, so it is refused when it is
set and again before every delivery: a name may resolve differently later. A
delivery connects to the very address that was checked, never to a second
resolution of the name, so a name that resolves once outside and then inside
(DNS rebinding) gets nowhere. An operator names the internal hosts that may
receive webhooks (CUAKHAU_WEBHOOK_ALLOWED_HOSTS); outside development only
``https`` URLs are taken, unless CUAKHAU_WEBHOOK_REQUIRE_HTTPS says otherwise.
"""

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cuakhau.core.config import Settings
from cuakhau.core.errors import InvalidInput

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]

# IPv6 prefixes that carry an IPv4 address in their last 32 bits and reach it
# through a translator: the well-known NAT64 prefix (RFC 6052).
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


@dataclass(frozen=True)
class WebhookPolicy:
    https_only: bool
    allowed_hosts: frozenset[str]

    @classmethod
    def of(cls, settings: Settings) -> "WebhookPolicy":
        return cls(settings.webhook_https_only, frozenset(settings.webhook_allowed_hosts))


@dataclass(frozen=True)
class Target:
    """A URL with the one address a delivery connects to."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


class RefusedUrl(Exception):
    """The URL may not receive webhooks; ``code`` is the message's key."""

    def __init__(self, code: str, host: str):
        super().__init__(code)
        self.code = code
        self.host = host


class Unresolved(Exception):
    """The host has no address now (it may have one later)."""


def resolve(host: str, port: int) -> list[str]:
    """Every address the host has, as the operating system resolves it (numeric
    hosts in any of inet_aton's spellings included)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as failed:
        raise Unresolved(host) from failed
    return [str(info[4][0]) for info in infos]


def is_public(address: IPAddress) -> bool:
    """Whether ``address`` is one anyone on the internet could be: globally
    routable, not multicast, and not an IPv6 form of an IPv4 address that is not."""
    if not address.is_global or address.is_multicast:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        embedded: list[Any] = [address.ipv4_mapped, address.sixtofour]
        if address.teredo is not None:
            embedded.extend(address.teredo)
        if address in _NAT64:
            embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        return all(is_public(inner) for inner in embedded if inner is not None)
    return True


def target_of(url: str, policy: WebhookPolicy, resolver: Resolver = resolve) -> Target:
    """The address to deliver ``url`` to, once every address of its host is
    checked; raises ``RefusedUrl`` or ``Unresolved``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise RefusedUrl("webhook_url_scheme", host)
    if policy.https_only and parts.scheme != "https":
        raise RefusedUrl("webhook_url_https", host)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise RefusedUrl("webhook_url_scheme", host) from None
    addresses = resolver(host, port)
    if not addresses:
        raise Unresolved(host)
    if host not in policy.allowed_hosts and not all(
        is_public(ipaddress.ip_address(address.split("%")[0])) for address in addresses
    ):
        raise RefusedUrl("webhook_url_internal", host)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, addresses[0])


def check_webhook_url(url: str, settings: Settings) -> None:
    """The rule when a webhook URL is set: refused with a message that says why.
    A name that does not resolve yet is taken (its receiver may not be up yet);
    every delivery checks again."""
    try:
        target_of(url, WebhookPolicy.of(settings))
    except RefusedUrl as refused:
        raise InvalidInput(refused.code, field="webhook_url", host=refused.host) from None
    except Unresolved:
        pass
