from datetime import datetime
from typing import Annotated, Any

from pydantic import Field

from cuakhau.core.schemas import Id, ListQuery, Moment, OutputSchema


class AuditFilters(ListQuery):
    entity: Annotated[str | None, Field(max_length=64)] = None
    entity_id: Annotated[str | None, Field(max_length=64)] = None
    actor_user_id: Id | None = None
    action: Annotated[str | None, Field(pattern="^(create|update|delete|login|logout)$")] = None
    since: Moment | None = None
    until: Moment | None = None


class AuditEntryRead(OutputSchema):
    id: int
    at: datetime
    actor_user_id: int | None
    actor_label: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
