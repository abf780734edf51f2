"""Every page of every role, opened for the first time on the demo's data, weighs
under the budget (issue #18: the board's page was 1.52 MB, 1.47 MB of it the chart
library). Bytes, not timings: the same code sends the same bytes. The figures
themselves: ``python benchmarks/web/page_weight.py`` (README, "Page weight")."""

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser

from cuakhau.core.actor import Actor
from cuakhau.core.clock import utcnow
from cuakhau.core.database import session_scope
from cuakhau.web.vendor import PLOTLY_URL
from tests.conftest import empty_all_tables
from tests.web.weight import (
    BUDGET,
    PAGES,
    USERNAMES,
    Weight,
    demo_records,
    first_load,
    load_demo_with_passwords,
    visitor,
)

# The demo takes half a minute to load on a busy machine.
pytestmark = pytest.mark.slow


@pytest.fixture
def demo(served: tuple[str, FastAPI]) -> Iterator[tuple[dict[str, str], dict[str, int | str]]]:
    """The demo in the served app's database: each account's password, and the
    records the detail pages show."""
    _, app = served
    app.state.wait_times.forget()
    with session_scope(app.state.session_factory, Actor(label="test")) as session:
        passwords = load_demo_with_passwords(session, utcnow(), app.state.settings)
        records = demo_records(session, app.state.settings.resolved_secret_key)
    yield passwords, records
    empty_all_tables(app.state.engine)


def test_every_page_of_every_role_loads_under_the_budget(
    served: tuple[str, FastAPI],
    browser: Browser,
    demo: tuple[dict[str, str], dict[str, int | str]],
):
    url, _ = served
    passwords, records = demo
    weights: list[tuple[str, Weight]] = []
    for role, paths in PAGES.items():
        login = None if role is None else (USERNAMES[role], passwords[USERNAMES[role]])
        context = visitor(browser, url, login)
        try:
            weights += [(str(role), first_load(context, path.format(**records))) for path in paths]
        finally:
            context.close()

    assert len(weights) == sum(len(paths) for paths in PAGES.values())
    over = [
        f"{role} {weight.path}: {weight.total:,} B (largest {weight.largest()})"
        for role, weight in weights
        if weight.total >= BUDGET
    ]
    assert not over, over
    # The charts' pages did load the chart library, and each page its stylesheet
    # (the drivers' pages and the display board have one of their own): the
    # budget holds with everything a first visit needs.
    board = next(weight for _, weight in weights if weight.path == "/board")
    assert any(response_url.endswith(PLOTLY_URL) for response_url, _ in board.responses)
    for _, weight in weights:
        stylesheets = [u for u, _ in weight.responses if re.search(r"/static/[\w-]+\.css$", u)]
        assert stylesheets, weight.path
