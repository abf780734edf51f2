"""No webhook reaches inside the network: refused when set, refused again when
delivered, and delivered to the address that was checked."""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cuakhau.core.config import Settings
from cuakhau.core.errors import InvalidInput
from cuakhau.models import DeliveryAttempt, Enterprise, Notification
from cuakhau.models.enums import Role
from cuakhau.notifications.delivery import DeliveryPool, post
from cuakhau.notifications.webhook_url import (
    RefusedUrl,
    Target,
    WebhookPolicy,
    check_webhook_url,
    target_of,
)
from tests.conftest import TEST_SECRET, Database, People
from tests.notifications.conftest import Clock, Receiver
from tests.notifications.test_delivery import hook_up, notify

INSIDE = [
    "http://127.0.0.1:5432/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://2130706433/",
    "http://0x7f.1/",
    "http://017700000001/",
    "http://127.1/",
    "http://0/",
    "http://0.0.0.0/",
    "http://[::]/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[64:ff9b::a00:1]/",
    "http://[2002:c0a8:101::]/",
    "http://[fe80::1]/",
    "http://224.0.0.1/",
    "http://[ff02::1]/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "http://localhost:8000/",
    "http://LOCALHOST./",
]
PUBLIC = ["http://93.184.215.14/hook", "https://[2606:4700:4700::1111]/hook"]
DEVELOPMENT = WebhookPolicy(https_only=False, allowed_hosts=frozenset())


@pytest.mark.parametrize("url", INSIDE)
def test_an_address_inside_the_network_is_refused_in_every_spelling(url: str):
    with pytest.raises(RefusedUrl) as refused:
        target_of(url, DEVELOPMENT)
    assert refused.value.code == "webhook_url_internal"


@pytest.mark.parametrize("url", PUBLIC)
def test_a_public_address_is_taken(url: str):
    assert target_of(url, DEVELOPMENT).address in url


def test_a_name_is_checked_on_every_address_it_resolves_to():
    def both(_host: str, _port: int) -> list[str]:
        return ["93.184.215.14", "10.0.0.7"]

    with pytest.raises(RefusedUrl):
        target_of("https://hooks.example.test/x", DEVELOPMENT, both)


def test_https_is_required_outside_development_and_named_hosts_may_be_inside(tmp_path):
    production = Settings(environment="production", secret_key=TEST_SECRET, data_dir=tmp_path)
    with pytest.raises(InvalidInput) as refused:
        check_webhook_url("http://93.184.215.14/hook", production)
    assert refused.value.code == "webhook_url_https"
    check_webhook_url("https://93.184.215.14/hook", production)
    plain = production.model_copy(update={"webhook_require_https": False})
    check_webhook_url("http://93.184.215.14/hook", plain)

    allowed = Settings(webhook_allowed_hosts="hooks.corp.internal, 127.0.0.1", data_dir=tmp_path)
    check_webhook_url("http://127.0.0.1:8080/hook", allowed)
    with pytest.raises(InvalidInput):
        check_webhook_url("http://127.0.0.2:8080/hook", allowed)
    # A name that does not resolve yet is taken: every delivery checks again.
    check_webhook_url("https://hooks.example.test/x", allowed)


@pytest.mark.parametrize("url", ["http://127.0.0.1:5432/", "http://2130706433/"])
def test_an_enterprise_cannot_point_its_webhook_inside(
    client: TestClient, db: Database, people: People, url: str
):
    own = people.own_enterprise.id
    response = client.patch(
        f"/api/v1/enterprises/{own}",
        json={"webhook_url": url},
        headers={**people[Role.enterprise], "Accept-Language": "en"},
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "webhook_url_internal"
    assert problem["errors"][0]["field"] == "webhook_url"
    assert "127.0.0.1" in problem["detail"]
    assert "internal" in problem["detail"]
    assert db.scalar(select(Enterprise.webhook_url).where(Enterprise.id == own)) is None
    # Nor may an administrator create one so.
    created = client.post(
        "/api/v1/enterprises",
        json={
            "tax_code": "0100000035",
            "name_vi": "Công ty Mạng Trong",
            "roles": ["exporter"],
            "webhook_url": "http://[fd00:ec2::254]/",
        },
        headers=people[Role.admin],
    )
    assert created.status_code == 422
    assert created.json()["code"] == "webhook_url_internal"

    accepted = client.patch(
        f"/api/v1/enterprises/{own}",
        json={"webhook_url": "https://93.184.215.14/hook"},
        headers=people[Role.enterprise],
    )
    assert accepted.status_code == 200


def test_a_url_that_turned_inside_is_refused_when_delivered(
    client: TestClient,
    db: Database,
    people: People,
    session_factory: sessionmaker[Session],
    receiver: Receiver,
    clock: Clock,
):
    # Stored before the rule, or a name that resolves inside since it was set.
    hook_up(db, people.own_enterprise, receiver.url)
    (notification_id,) = notify(db, people.own_enterprise)
    strict = DeliveryPool(session_factory, TEST_SECRET, DEVELOPMENT, timeout=5, clock=clock)
    try:
        report = strict.deliver_due()
    finally:
        strict.close()
    assert (report.sent, report.delivered) == (1, 0)
    assert receiver.requests == []
    attempt = db.scalar(select(DeliveryAttempt))
    assert (attempt.status_code, attempt.error) == (None, "refused: webhook_url_internal")
    notification = db.scalar(select(Notification).where(Notification.id == notification_id))
    assert notification.delivered_at is None


def test_a_delivery_connects_to_the_address_checked_not_to_the_name_again(
    receivers: Callable[..., Receiver],
):
    receiver = receivers()
    port = int(receiver.url.split(":")[2].split("/")[0])
    # The name resolved to 127.0.0.1 when it was checked; it resolves to nothing now.
    target = Target("http", "hooks.rebinding.test", port, "/hook?x=1", "127.0.0.1")
    status = post(target, b"{}", {"Content-Type": "application/json"}, timeout=5)
    assert status == 204
    ((headers, body),) = receiver.requests
    assert headers["Host"] == f"hooks.rebinding.test:{port}"
    assert body == b"{}"
