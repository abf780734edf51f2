"""The dashboard's answer, as the API sends it and the board's page shows it."""

from datetime import datetime

from cuakhau.core.schemas import Id, InputSchema, OutputSchema
from cuakhau.crossings.schemas import EstimateAccuracyRead
from cuakhau.forecast.views import Forecasts
from cuakhau.models.enums import CrossingState, Direction


class DashboardQuery(InputSchema):
    # None: the whole zone.
    gate_id: Id | None = None


class GateRef(OutputSchema):
    id: int
    code: str
    name_vi: str
    name_en: str


class QueueCount(OutputSchema):
    direction: Direction
    state: CrossingState
    trucks: int


class WindowLoad(OutputSchema):
    """Windows starting at the same time, summed over the gates in view."""

    direction: Direction
    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int


class HourThroughput(OutputSchema):
    starts_at: datetime
    direction: Direction
    crossed: int


class YardUse(OutputSchema):
    yard_id: int
    gate_id: int
    code: str
    name_vi: str
    name_en: str | None
    spaces: int
    occupied: int
    cold_spaces: int
    cold_occupied: int


class GateAccuracy(EstimateAccuracyRead):
    gate_code: str


class NoShowRate(OutputSchema):
    """Bookings whose window ended in the period (cancelled ones left out), and how
    many of them never came; the booking rules' definition, for gates not firms."""

    since: datetime
    bookings: int
    no_shows: int
    rate: float | None


class Dashboard(OutputSchema):
    at: datetime
    gate_id: int | None
    gates: list[GateRef]
    queue: list[QueueCount]
    windows: list[WindowLoad]
    throughput: list[HourThroughput]
    yards: list[YardUse]
    accuracy_since: datetime
    accuracy: list[GateAccuracy]
    no_shows: NoShowRate
    # The latest hourly forecast of these gates, its measured error, open warnings.
    forecast: Forecasts
