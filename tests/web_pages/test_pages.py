"""Every registry and desk page, generated from the declaration in ``desks.py`` and
served by the real ASGI app without a browser (the browser tests in tests/web keep
the journeys and the live updates): each list opens for its roles and shows its
rows, is refused to the others, and runs as many SQL statements for 3N rows as
for N (an N+1 fails); each detail page shows its row and answers 404 for an
unknown one; each form saves a valid filling and refuses an empty required field,
writing nothing."""

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from cuakhau.accounts.service import issue_token
from cuakhau.models import User
from cuakhau.models.enums import Role
from cuakhau.web.session import SESSION_COOKIE, sign
from tests.conftest import Database
from tests.factories import (
    make_enterprise,
    make_investor,
    make_open_gate,
    make_tariff,
    make_user,
    make_vehicle,
    make_yard,
)
from tests.web_pages.desks import DESKS, WALK_IN_PLATE, Desk, Row, World

# Rows on the first count; the second has three times as many.
N = 2
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# A list's parameters, however many (SQLite's ?, psycopg's %(name)s).
IN_LIST = re.compile(r"IN \((\?|%\(\w+\)s)(, (\?|%\(\w+\)s))*\)")
INVALID = re.compile(r'id="([^"]+)"[^>]*aria-invalid="true"')
PAGE_ROLES = tuple(role for role in Role if role is not Role.camera)


def _ids(desks: tuple[Desk, ...]) -> list[str]:
    return [desk.name for desk in desks]


WITH_DETAIL = tuple(desk for desk in DESKS if desk.detail)
WITH_FORM = tuple(desk for desk in DESKS if desk.form)
PRIVATE = tuple(desk for desk in DESKS if None not in desk.roles)


@pytest.fixture
def world(db: Database) -> World:
    with db.write() as session:
        gate = make_open_gate(session)
        enterprise = make_enterprise(session, roles=["exporter", "importer"])
        operator = make_enterprise(session, roles=["yard_operator"])
        yard = make_yard(session, gate, operator, spaces={"truck": 100})
        make_vehicle(session, enterprise, plate=WALK_IN_PLATE)
        investor = make_investor(session)
        make_tariff(session)
        bound = {Role.enterprise: enterprise, Role.yard_operator: operator}
        users = {
            role: make_user(session, role, enterprise=bound.get(role)).id for role in PAGE_ROLES
        }
        return World(gate.id, enterprise.id, operator.id, yard.id, investor.code, users)


def _log_in(client: TestClient, db: Database, world: World, role: Role | None) -> None:
    """The browser's session cookie for ``role``'s account, as the login page sets it."""
    client.cookies.clear()
    if role is None:
        return
    with db.write() as session:
        user = session.get(User, world.users[role])
        assert user is not None
        token, _ = issue_token(session=session, user=user, label="test", lifetime=None)
    settings = client.app.state.settings  # type: ignore[attr-defined]
    client.cookies.set(SESSION_COOKIE, sign(settings, SESSION_COOKIE, token))


def _add(db: Database, world: World, desk: Desk, count: int) -> list[Row]:
    with db.write() as session:
        return [desk.add(session, world) for _ in range(count)]


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements run on ``engine`` inside the block."""
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


@pytest.mark.parametrize("desk", DESKS, ids=_ids(DESKS))
def test_a_list_shows_its_rows_to_each_of_its_roles(
    client: TestClient, db: Database, world: World, desk: Desk
):
    rows = _add(db, world, desk, N)
    for role in desk.roles:
        _log_in(client, db, world, role)
        response = client.get(desk.path)
        assert response.status_code == 200, (role, response.text[:500])
        assert response.headers["content-type"].startswith("text/html")
        for row in rows:
            if row.text is not None:
                assert row.text in response.text, (role, row)


@pytest.mark.parametrize("desk", PRIVATE, ids=_ids(PRIVATE))
def test_a_list_is_refused_to_every_other_role_and_asks_a_stranger_to_log_in(
    client: TestClient, db: Database, world: World, desk: Desk
):
    _log_in(client, db, world, None)
    response = client.get(desk.path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    for role in PAGE_ROLES:
        if role in desk.roles:
            continue
        _log_in(client, db, world, role)
        assert client.get(desk.path).status_code == 403, role


@pytest.mark.parametrize("desk", DESKS, ids=_ids(DESKS))
def test_a_list_runs_as_many_statements_for_3n_rows_as_for_n(
    client: TestClient, db: Database, world: World, desk: Desk
):
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    _log_in(client, db, world, desk.roles[0])
    counts = []
    for more in (N, 2 * N):
        _add(db, world, desk, more)
        # Once to fill what the app keeps between requests, then counted.
        assert client.get(desk.path).status_code == 200
        client.app.state.wait_times.forget()  # type: ignore[attr-defined]
        with _statements(engine) as statements:
            assert client.get(desk.path).status_code == 200
        counts.append(statements)
    few, many = (Counter(IN_LIST.sub("IN (…)", sql) for sql in run) for run in counts)
    grown = many - few
    assert many.total() == few.total(), "\n\n".join(
        f"{times} more × {sql}" for sql, times in grown.items()
    )


@pytest.mark.parametrize("desk", WITH_DETAIL, ids=_ids(WITH_DETAIL))
def test_a_detail_page_shows_its_row_and_no_unknown_one(
    client: TestClient, db: Database, world: World, desk: Desk
):
    assert desk.detail is not None
    (row,) = _add(db, world, desk, 1)
    _log_in(client, db, world, desk.roles[0])
    response = client.get(desk.detail.format(id=row.id))
    assert response.status_code == 200, response.text[:500]
    if row.text is not None:
        assert row.text in response.text
    assert client.get(desk.detail.format(id=row.id + 1000)).status_code == 404


@pytest.mark.parametrize("desk", WITH_FORM, ids=_ids(WITH_FORM))
def test_a_form_saves_a_valid_filling_and_refuses_an_empty_required_field(
    client: TestClient, db: Database, world: World, desk: Desk
):
    form = desk.form
    assert form is not None
    _log_in(client, db, world, desk.roles[0])
    shown = client.get(form.page.format(**asdict(world)))
    assert shown.status_code == 200
    token = CSRF.search(shown.text)
    assert token is not None, "the form carries no CSRF token"
    action = form.action.format(**asdict(world))
    valid = {"csrf_token": token.group(1), **form.data(world)}
    with db.write() as session:
        before = form.count(session)

    refused = client.post(action, data={**valid, form.required: ""}, follow_redirects=False)
    assert refused.status_code == 422, refused.text[:500]
    # The page again, the field marked, what was typed kept.
    assert f'id="{form.required}"' in refused.text
    assert 'aria-invalid="true"' in refused.text
    kept = next(value for name, value in form.data(world).items() if name != form.required)
    assert kept in refused.text
    with db.write() as session:
        assert form.count(session) == before

    saved = client.post(action, data=valid, follow_redirects=False)
    assert saved.status_code in (200, 303), INVALID.findall(saved.text)
    with db.write() as session:
        assert form.count(session) == before + 1
