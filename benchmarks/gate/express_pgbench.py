"""The booking's own statements as a pgbench script, for checkouts whose
booking is the express lane (``crossings.express``: LOCK_TRUCK, LOCK_WINDOW,
BOOK and ``booking_parameters``), such as main at b2424d5.

A checkout that books some other way says how pgbench runs its booking in its
own ``benchmarks/gate/pgbench_booking.py``, with the same two names as here
(the contract is in benchmarks/README.md); ``bench_booking.pgbench_booking``
uses this module only for a checkout without one. So an A/B run can put the
before's own statements, through this adapter, beside the after's.
"""

from __future__ import annotations

import re
from datetime import datetime

import gatebench
from sqlalchemy import create_engine, text

from cuakhau.crossings.express import SESSION_SETTINGS

__all__ = ["SESSION_SETTINGS", "pgbench_booking_script"]


def pgbench_booking_script(
    url: str, gate_id: int, window_ids: list[int]
) -> tuple[str, dict[str, str]]:
    """pgbench's script for the booking itself: the express lane's own statements
    (``crossings.express``), each booking for a truck drawn from the whole
    fleet. A one-row lookup draws the truck and its enterprise's token, as the
    app's lookup of a caller it has not seen lately does."""
    gatebench.use_repo_imports()
    from tests.factories import cargo

    from cuakhau.crossings import express
    from cuakhau.crossings.schemas import BookingRequest
    from cuakhau.models.base import utcnow
    from cuakhau.models.enums import Role

    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            # pgbench books the fleet the HTTP run has booked already, a few
            # times over; the rule of one open booking per truck would refuse it.
            # Drawn from the whole fleet, a truck's open bookings stay a few: a
            # truck booked again and again would make its count, and the
            # database's work, grow with every booking.
            connection.execute(
                text("UPDATE booking_policy SET max_open_bookings_per_vehicle = 2147483647")
            )
            connection.execute(text("DROP TABLE IF EXISTS bench_booker"))
            connection.execute(
                text(
                    "CREATE TABLE bench_booker AS SELECT row_number() OVER (ORDER BY v.id) - 1"
                    " AS booker, v.id AS vehicle_id, u.enterprise_id, t.token_hash"
                    " FROM vehicle v JOIN user_account u"
                    " ON u.enterprise_id = v.enterprise_id AND u.role = 'enterprise'"
                    " JOIN api_token t ON t.user_id = u.id"
                )
            )
            connection.execute(text("CREATE UNIQUE INDEX ON bench_booker (booker)"))
            fleet = connection.scalar(text("SELECT count(*) FROM bench_booker"))
    finally:
        engine.dispose()
    if window_ids != list(range(window_ids[0], window_ids[-1] + 1)):
        raise SystemExit("the bookable windows' ids are not one run; pgbench draws from a range")
    sample = BookingRequest(
        vehicle_id=0,
        gate_id=gate_id,
        direction="export",
        regime="export",
        window_id=0,
        cargo=cargo(),
    )
    caller = express.Caller(Role.enterprise, 0, "")
    # Drawn per booking, or (the driver) left out: pgbench has no NULL to give.
    per_booking = {"token_hash", "enterprise_id", "vehicle_id", "window_id", "driver_id"}
    constants = {
        name: _pgbench_value(value)
        for name, value in express.booking_parameters(caller, sample, utcnow()).items()
        if name not in per_booking
    }
    # pgbench sends its variables untyped: say what the statements' comparisons need.
    casts = {"now": "timestamptz", "open_states": "text[]"}

    def pgbench_sql(statement: str) -> str:
        statement = statement.replace("%(driver_id)s::integer", "NULL::integer")
        statement = statement.replace("%(driver_id)s", "NULL::integer")
        for name, cast in casts.items():
            statement = statement.replace(f"%({name})s::{cast}", f"%({name})s")
            statement = statement.replace(f"%({name})s", f"%({name})s::{cast}")
        return " ".join(re.sub(r"%\((\w+)\)s", r":\1", statement).split()) + ";"

    script = "\n".join(
        [
            f"\\set window_id random({window_ids[0]}, {window_ids[-1]})",
            f"\\set booker random(0, {fleet - 1})",
            "SELECT vehicle_id, enterprise_id, token_hash FROM bench_booker"
            " WHERE booker = :booker \\gset",
            "BEGIN;",
            *(pgbench_sql(s) for s in (express.LOCK_TRUCK, express.LOCK_WINDOW, express.BOOK)),
            "COMMIT;",
            "",
        ]
    )
    return script, constants


def _pgbench_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "{" + ",".join(str(item) for item in value) + "}"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
