"""Text longer than its column is refused where rows are written, so the columns
are the one source of every text's length: an API field, a page's form, an
import and a CLI command alike. SQLite would keep any length and PostgreSQL
would refuse the statement; both answer ``text_too_long`` (422, naming the
field) before anything is written."""

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker

from cuakhau.core.errors import InvalidInput


def refuse_text_longer_than_its_column(factory: sessionmaker[Session]) -> None:
    event.listen(factory, "before_flush", _check_lengths)


def _check_lengths(session: Session, _context: Any, _instances: Any) -> None:
    for row in (*session.new, *session.dirty):
        state = inspect(row)
        for attribute in state.mapper.column_attrs:
            # Only what is loaded or set: reading an expired value would query mid-flush.
            value = state.dict.get(attribute.key)
            length = getattr(attribute.columns[0].type, "length", None)
            if isinstance(value, str) and length is not None and len(value) > length:
                raise InvalidInput("text_too_long", field=attribute.key, max_length=length)
