"""The booking's own statements as a pgbench script: one call of the booking
function (``crossings.booking``, installed by ``cuakhau db upgrade``), as the
app makes it for an enterprise booking a named window: the token checked, the
truck and the window locked, every rule read, the crossing and its cargo,
move, notice and audit entries written. Each booking is for a truck drawn
from the whole fleet, with its enterprise's token, and a window drawn from the
bookable ones (benchmarks/README.md has the contract this file keeps)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import gatebench
from sqlalchemy import create_engine, text

# Drawn for each booking from the fleet the HTTP loads booked.
PER_BOOKING = ("token_hash", "vehicle_id", "window_id")


def pgbench_booking_script(
    url: str, gate_id: int, window_ids: list[int]
) -> tuple[str, dict[str, str]]:
    gatebench.use_repo_imports()
    from tests.factories import cargo

    from cuakhau.core.clock import utcnow
    from cuakhau.crossings.booking import Caller, inputs_for, procedure
    from cuakhau.crossings.rules import Kind
    from cuakhau.crossings.schemas import BookingRequest

    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            # pgbench books the fleet the HTTP loads booked, a few times over;
            # the rule of one open booking per truck would refuse it. Drawn from
            # the whole fleet, a truck's open bookings stay a few.
            connection.execute(
                text("UPDATE booking_policy SET max_open_bookings_per_vehicle = 2147483647")
            )
            connection.execute(text("DROP TABLE IF EXISTS bench_booker"))
            connection.execute(
                text(
                    "CREATE TABLE bench_booker AS SELECT row_number() OVER (ORDER BY v.id) - 1"
                    " AS booker, v.id AS vehicle_id, t.token_hash"
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
    # The truck and the window are drawn per booking (PER_BOOKING); these stand in.
    sample = BookingRequest(
        vehicle_id=1,
        gate_id=gate_id,
        direction="export",
        regime="export",
        window_id=1,
        cargo=cargo(),
    )
    booking = procedure(Kind.booking)
    given = inputs_for(Kind.booking, Caller(token_hash=""), sample, utcnow())
    arguments = dict(zip(booking.inputs, booking.arguments(given), strict=True))
    call, variables = [], {}
    for name, argument in arguments.items():
        if name in PER_BOOKING:
            call.append(f":{name}")
        elif argument is None:  # pgbench has no NULL to give
            call.append("NULL")
        else:
            call.append(f":{name}")
            variables[name] = _pgbench_value(argument)
    script = "\n".join(
        [
            f"\\set window_id random({window_ids[0]}, {window_ids[-1]})",
            f"\\set booker random(0, {fleet - 1})",
            "SELECT vehicle_id, token_hash FROM bench_booker WHERE booker = :booker \\gset",
            f"SELECT * FROM {booking.function_name()}({', '.join(call)});",
            "",
        ]
    )
    return script, variables


def _pgbench_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
