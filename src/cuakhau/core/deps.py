"""Request-scoped dependencies: the session that owns the transaction, the caller."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from cuakhau.core.config import Settings


def _session(request: Request) -> Iterator[Session]:
    """One transaction per request, committed before the response is sent."""
    session = request.app.state.session_factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _settings(request: Request) -> Settings:
    return request.app.state.settings


# scope="function": the commit happens before the response leaves, so a client is
# never told "created" about a transaction that then failed to commit.
DbSession = Annotated[Session, Depends(_session, scope="function")]
AppSettings = Annotated[Settings, Depends(_settings)]
