from typing import Annotated, Literal

from pydantic import Field

from cuakhau.core.schemas import Id, InputSchema, ListQuery, ReasonText
from cuakhau.models.enums import CustomsChannel, Direction

DeclarationNo = Annotated[
    str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9./\-]*$")
]
Reason = ReasonText


class Declaration(InputSchema):
    declaration_no: DeclarationNo
    channel: CustomsChannel
    needs_quarantine: bool = False


class Decision(InputSchema):
    # Why a held crossing is held; by default, what held it (channel, quarantine).
    hold_reason: Reason | None = None


class ReasonGiven(InputSchema):
    reason: Reason


class ClearanceFilters(ListQuery):
    """The customs officer's work list: trucks in the zone not yet cleared."""

    gate_id: Id | None = None
    direction: Direction | None = None
    state: Literal["arrived", "declared", "held"] | None = None
    channel: CustomsChannel | None = None
