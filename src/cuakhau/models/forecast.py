from datetime import date, datetime

from sqlalchemy import Date, Enum, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cuakhau.models.base import Base, UtcDateTime
from cuakhau.models.enums import Direction


class ForecastRun(Base):
    """One hourly forecast: a short simulation from the live state. Its ``hour``
    is unique, so of several app processes starting the same hour's run only the
    first to insert the row runs it (docs/simulation.md, "Forecasts")."""

    __tablename__ = "forecast_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The hour (UTC, on the hour) the run is for: the claim.
    hour: Mapped[datetime] = mapped_column(UtcDateTime, unique=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Why a run ended without a forecast (the exception's first line).
    failure: Mapped[str | None] = mapped_column(String(500))
    horizon_hours: Mapped[int] = mapped_column(Integer)
    replications: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)


class QueueForecast(Base):
    """What a run expects at one gate, one direction, over one period (an hour of
    the horizon, the first from the run's moment on): trucks waiting and the mean
    wait of the trucks that cross, each with its 95% interval; and, once the
    period has passed, the queue observed then and the error."""

    __tablename__ = "queue_forecast"
    __table_args__ = (
        Index("ix_queue_forecast_gate_period", "gate_id", "direction", "starts_at"),
        Index("ix_queue_forecast_unmeasured", "measured_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("forecast_run.id"), index=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id"))
    direction: Mapped[Direction] = mapped_column(Enum(Direction, native_enum=False, length=16))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    queue_mean: Mapped[float] = mapped_column(Float)
    queue_low: Mapped[float] = mapped_column(Float)
    queue_high: Mapped[float] = mapped_column(Float)
    # None: no truck is expected to cross that period.
    wait_mean_hours: Mapped[float | None] = mapped_column(Float)
    wait_low_hours: Mapped[float | None] = mapped_column(Float)
    wait_high_hours: Mapped[float | None] = mapped_column(Float)
    # Set once the period has passed: the mean of the queues observed in it.
    measured_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    observed_queue: Mapped[float | None] = mapped_column(Float)


class QueueObservation(Base):
    """Trucks waiting at a gate and direction at a moment, as the wait times count
    them; recorded by each forecast run, to measure earlier forecasts against."""

    __tablename__ = "queue_observation"
    __table_args__ = (Index("ix_queue_observation_gate_at", "gate_id", "direction", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id"))
    direction: Mapped[Direction] = mapped_column(Enum(Direction, native_enum=False, length=16))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    trucks_waiting: Mapped[int] = mapped_column(Integer)


class ForecastWarning(Base):
    """A gate and direction forecast to reach orange: raised (and the board told)
    when a run first expects it, cleared when a later run no longer does. One
    notice per crossing of the threshold, not one per run."""

    __tablename__ = "forecast_warning"
    __table_args__ = (Index("ix_forecast_warning_open", "gate_id", "direction", "cleared_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id"))
    direction: Mapped[Direction] = mapped_column(Enum(Direction, native_enum=False, length=16))
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # The zone-time day orange is first expected, as the raising run said.
    reaches_on: Mapped[date] = mapped_column(Date)
    # The hour it is first expected; None for a warning raised before the
    # forecasts were hourly.
    reaches_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    expected_queue: Mapped[float] = mapped_column(Float)
    cleared_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
