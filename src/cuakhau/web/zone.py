"""The zone overview for everyone: a map of the gates drawn by the app itself (an
inline SVG; no tile server, nothing from the internet), each gate coloured by its
warning level on the public wait times, with a link to them.

The map is schematic: gates are placed by their latitude and longitude, and the
border is a line through them, since the gates sit on it."""

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from cuakhau.core.deps import DbSession, Now
from cuakhau.crossings.public import GateWaitRead, Warning, shared_wait_times
from cuakhau.crossings.rules import policy
from cuakhau.models import Gate, Zone
from cuakhau.web.pages import MaybeUser, PageRoute, render

router = APIRouter(route_class=PageRoute)

WIDTH = 720
PADDING = 70
# The border runs this far past the outermost gates, in pixels.
BORDER_OVERHANG = 60
# The least span drawn, in degrees, so that one gate alone is not blown up.
MIN_SPAN = 0.1
# The smoothing kernel's width: this share of the gates' spread along the border,
# and at least this many pixels.
SMOOTHING = 0.12
MIN_SMOOTHING = 20.0
# The countries' names stay this far inside the map's edge, in pixels.
LABEL_MARGIN = 24
SEVERITY = list(Warning)


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    # SVG text-anchor: which end of the text sits at (x, y).
    anchor: str


@dataclass(frozen=True)
class GateMark:
    number: int
    gate: Gate
    warning: Warning
    waiting: int
    open_now: bool
    at: Point | None


@dataclass(frozen=True)
class ZoneMap:
    width: int
    height: int
    marks: list[GateMark]
    # SVG path data; empty with no placed gate.
    border: str
    # Where to write the neighbouring country's name and ours.
    across: Label | None
    home: Label | None


def _project(gates: list[Gate]) -> tuple[dict[int, Point], int]:
    """Gate positions in pixels: longitude shrunk by the cosine of the mean latitude,
    north up, fitted into the map's width; and the map's height."""
    placed = [
        (g.id, float(g.latitude), float(g.longitude))
        for g in gates
        if g.latitude is not None and g.longitude is not None
    ]
    if not placed:
        return {}, 0
    shrink = math.cos(math.radians(sum(lat for _, lat, _ in placed) / len(placed)))
    plane = {gate_id: (lon * shrink, -lat) for gate_id, lat, lon in placed}
    xs = [x for x, _ in plane.values()]
    ys = [y for _, y in plane.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys), MIN_SPAN)
    scale = (WIDTH - 2 * PADDING) / span
    mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    height = round(max((max(ys) - min(ys)) * scale, (WIDTH - 2 * PADDING) / 2) + 2 * PADDING)
    return {
        gate_id: Point(WIDTH / 2 + (x - mid_x) * scale, height / 2 + (y - mid_y) * scale)
        for gate_id, (x, y) in plane.items()
    }, height


def _border(points: list[Point]) -> tuple[str, Point]:
    """A line along the gates' main axis, run on past the outermost ones, through
    each gate's offset across it averaged with its neighbours' (kernel-weighted),
    so a cluster of close gates bends the line without zigzags. And the direction
    across it to the north."""
    import numpy as np  # here, not with the app: numpy takes a while to load

    xs = np.array([p.x for p in points])
    ys = np.array([p.y for p in points])
    cx, cy = float(xs.mean()), float(ys.mean())
    dx, dy = xs - cx, ys - cy
    angle = 0.5 * math.atan2(2 * float((dx * dy).sum()), float((dx * dx).sum() - (dy * dy).sum()))
    ux, uy = math.cos(angle), math.sin(angle)
    # Across the main axis, towards the north (up on the page): the angle lies
    # within ±90°, so ux >= 0 and this normal never points down.
    nx, ny = uy, -ux
    order = np.argsort(dx * ux + dy * uy)
    along = (dx * ux + dy * uy)[order]
    across = (dx * nx + dy * ny)[order]
    width = max(float(np.ptp(along)) * SMOOTHING, MIN_SMOOTHING)
    weights = np.exp(-0.5 * ((along[:, None] - along[None, :]) / width) ** 2)
    offsets = (weights * across).sum(axis=1) / weights.sum(axis=1)
    stops = [
        (along[0] - BORDER_OVERHANG, offsets[0]),
        *zip(along, offsets, strict=True),
        (along[-1] + BORDER_OVERHANG, offsets[-1]),
    ]
    line = [(cx + a * ux + b * nx, cy + a * uy + b * ny) for a, b in stops]
    return "M " + " L ".join(f"{x:.1f} {y:.1f}" for x, y in line), Point(nx, ny)


def _corner(north: Point, side: int, height: int) -> Label:
    """The map's corner furthest to one side of the border: 1 north, -1 south."""
    right = north.x * side > 0
    top = north.y * side < 0
    return Label(
        WIDTH - LABEL_MARGIN if right else LABEL_MARGIN,
        LABEL_MARGIN if top else height - LABEL_MARGIN,
        "end" if right else "start",
    )


def zone_map(gates: list[Gate], waits: list[GateWaitRead]) -> ZoneMap:
    """Gates numbered in order, each with its worst warning over both directions."""
    positions, height = _project(gates)
    marks = []
    for number, gate in enumerate(gates, start=1):
        mine = [w for w in waits if w.gate_id == gate.id]
        marks.append(
            GateMark(
                number=number,
                gate=gate,
                warning=max(
                    (w.warning for w in mine if w.warning is not None),
                    key=SEVERITY.index,
                    default=Warning.green,
                ),
                waiting=sum(w.trucks_waiting for w in mine),
                open_now=any(w.open_now for w in mine),
                at=positions.get(gate.id),
            )
        )
    if not positions:
        return ZoneMap(WIDTH, 0, marks, "", None, None)
    border, north = _border(list(positions.values()))
    return ZoneMap(
        WIDTH, height, marks, border, _corner(north, 1, height), _corner(north, -1, height)
    )


def _map_context(request: Request, session: Session, now: datetime) -> dict[str, Any]:
    gates = list(session.scalars(select(Gate).where(Gate.is_active).order_by(Gate.id)))
    waits = shared_wait_times(request).get(session, now)
    return {"zone_map": zone_map(gates, waits), "now": now}


@router.get("/zone", response_class=HTMLResponse)
def zone_page(request: Request, session: DbSession, _user: MaybeUser, now: Now) -> HTMLResponse:
    zone = session.scalar(select(Zone).order_by(Zone.id))
    rules = policy(session)
    context = _map_context(request, session, now)
    return render(request, "zone.html", zone=zone, rules=rules, **context)


@router.get("/zone/map", response_class=HTMLResponse)
def zone_map_part(request: Request, session: DbSession, now: Now) -> HTMLResponse:
    """The map and its list alone, fetched again by the page's script on each queue change."""
    return render(request, "zone_map.html", **_map_context(request, session, now))
