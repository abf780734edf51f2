"""Webhooks over https, the only scheme outside development: sent to the address
that was checked, with the receiver's certificate checked for the URL's host
name, not for the address."""

import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import trustme

from cuakhau.notifications.delivery import post
from cuakhau.notifications.webhook_url import Target

HOST = "hooks.example.vn"


class TlsReceiver:
    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.port = 0


@pytest.fixture
def tls_receiver(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TlsReceiver]:
    """A receiver on 127.0.0.1 whose certificate names ``HOST`` only, issued by a
    throwaway authority that this test's TLS clients trust (``SSL_CERT_FILE``)."""
    authority = trustme.CA()
    trusted = tmp_path / "authority.pem"
    authority.cert_pem.write_to_path(str(trusted))
    monkeypatch.setenv("SSL_CERT_FILE", str(trusted))
    receiver = TlsReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            receiver.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    authority.issue_cert(HOST).configure_cert(tls)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    receiver.port = server.server_port
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield receiver
    server.shutdown()
    server.server_close()


def test_https_goes_to_the_checked_address_under_the_urls_host_name(tls_receiver: TlsReceiver):
    # The name is never looked up: the address is the one checked when the URL was.
    target = Target("https", HOST, tls_receiver.port, "/hook", "127.0.0.1")
    status = post(target, b'{"id": 1}', {"Content-Type": "application/json"}, timeout=10)
    assert status == 204
    assert tls_receiver.bodies == [b'{"id": 1}']


def test_a_certificate_for_another_name_is_refused_and_nothing_is_sent(
    tls_receiver: TlsReceiver,
):
    target = Target("https", "other.example.vn", tls_receiver.port, "/hook", "127.0.0.1")
    with pytest.raises(ssl.SSLCertVerificationError):
        post(target, b'{"id": 1}', {"Content-Type": "application/json"}, timeout=10)
    assert tls_receiver.bodies == []
