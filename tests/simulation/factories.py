"""Scenarios built in code for tests: small, with known answers."""

from __future__ import annotations

from typing import Any

from cuakhau.simulation import parse_scenario
from cuakhau.simulation.scenario import Scenario


def queue_scenario(
    *,
    servers: int,
    load: float,
    service: dict[str, Any] | None = None,
    days: int = 200,
    warmup_days: int = 10,
    commodity: dict[str, Any] | None = None,
    **gate: Any,
) -> Scenario:
    """One gate that is a plain queue: Poisson arrivals, `servers` customs officers.

    `load` is the utilisation ρ = λ / (c μ); service times default to exponential
    with a mean of one hour. `commodity` sets the goods' keys (patience, balk_at…);
    extra keyword arguments are added to the gate.
    """
    service = service or {"distribution": "exponential", "mean_hours": 1.0}
    per_hour = load * servers / service["mean_hours"]
    return parse_scenario(
        {
            "name": f"queue-c{servers}-rho{load}",
            "start": "2024-01-01",
            "days": days,
            "warmup_days": warmup_days,
            "commodities": {"goods": commodity or {}},
            "gates": {
                "gate": {
                    "name": "Test gate",
                    "customs": {
                        "servers": servers,
                        "channels": {"green": {"share": 1.0, "service": service}},
                    },
                    **gate,
                }
            },
            "arrivals": [
                {
                    "commodity": "goods",
                    "direction": "export",
                    "per_day": per_hour * 24,
                    "gates": {"gate": 1.0},
                }
            ],
        }
    )


def zone_scenario(**changes: Any) -> dict[str, Any]:
    """A two-gate zone with a yard limit, quarantine, opening hours and a disruption."""
    raw: dict[str, Any] = {
        "name": "small-zone",
        "start": "2021-12-01",
        "days": 21,
        "commodities": {
            "dragon_fruit": {"perishable": True, "shelf_life_hours": 96, "quarantine": True},
            "goods": {},
        },
        "gates": {
            "north": {
                "name": "North",
                "yards": {"export": {"spaces": 150}, "import": {"spaces": 80}},
                # Enough officers for booked trucks, who all come in the crossing hours.
                "customs": {
                    "servers": 24,
                    "channels": {
                        "green": {
                            "share": 0.7,
                            "service": {"distribution": "exponential", "mean_hours": 0.3},
                        },
                        "yellow": {
                            "share": 0.2,
                            "service": {"distribution": "lognormal", "mean_hours": 1.0, "cv": 0.5},
                        },
                        "red": {
                            "share": 0.1,
                            "service": {
                                "distribution": "triangular",
                                "low_hours": 1,
                                "mode_hours": 2,
                                "high_hours": 4,
                            },
                        },
                    },
                },
                "quarantine": {
                    "servers": 10,
                    "service": {"distribution": "gamma", "mean_hours": 0.5, "cv": 0.5},
                },
                "crossing": {
                    "export": {
                        "per_hour": 25,
                        "hours": "07:00-19:00",
                        "weekdays": {"sun": 0.5},
                        "changes": [{"from": "2021-12-11", "to": "2021-12-15", "factor": 0.2}],
                    },
                    "import": {"per_hour": 15, "hours": "07:00-19:00"},
                },
            },
            "south": {
                "name": "South",
                "yards": {"export": {"spaces": 60}},
                "customs": {
                    "servers": 2,
                    "channels": {
                        "green": {
                            "share": 1.0,
                            "service": {
                                "distribution": "uniform",
                                "low_hours": 0.2,
                                "high_hours": 0.6,
                            },
                        }
                    },
                },
                "quarantine": {
                    "servers": 1,
                    "service": {"distribution": "deterministic", "mean_hours": 0.4},
                },
                "crossing": {"export": {"per_hour": 6, "hours": "08:00-17:30"}},
            },
        },
        "arrivals": [
            {
                "commodity": "dragon_fruit",
                "direction": "export",
                "per_day": 240,
                "gates": {"north": 0.75, "south": 0.25},
                "monthly": {1: 1.3},
                "daily_profile": [1] * 6 + [3] * 12 + [1] * 6,
            },
            {
                "commodity": "goods",
                "direction": "export",
                "per_day": 60,
                "gates": {"north": 1.0},
                "changes": [{"from": "2021-12-18", "factor": 0.5}],
            },
            {"commodity": "goods", "direction": "import", "per_day": 120, "gates": {"north": 1.0}},
        ],
        "observed": [
            {
                "metric": "trucks_waiting",
                "label": "reported",
                "points": [{"date": "2021-12-14", "value": 400, "source": "test"}],
            },
        ],
    }
    raw.update(changes)
    return raw
