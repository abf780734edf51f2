"""Which crossings a caller may see: staff see every one, an enterprise user only
its own."""

from sqlalchemy.orm import Session

from cuakhau.accounts.deps import enterprise_scope
from cuakhau.core.errors import NotFound
from cuakhau.models import Crossing, User


def visible_crossing(*, session: Session, user: User, crossing_id: int) -> Crossing:
    """The crossing if this user may see it; 404 otherwise, never another's crossing."""
    crossing = session.get(Crossing, crossing_id)
    scope = enterprise_scope(user)
    if crossing is None or (scope is not None and crossing.enterprise_id != scope):
        raise NotFound("crossing", crossing_id)
    return crossing
