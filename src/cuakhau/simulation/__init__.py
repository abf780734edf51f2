"""What-if planning: a discrete-event simulator of the zone's gates, yards and queues."""

from typing import TYPE_CHECKING, Any

from cuakhau.simulation.loader import ScenarioError, load_scenario, parse_scenario

if TYPE_CHECKING:
    from cuakhau.simulation.runner import simulate

__all__ = ["ScenarioError", "load_scenario", "parse_scenario", "simulate"]


def __getattr__(name: str) -> Any:
    # The runner brings numpy: loaded at the first run, not with the app.
    if name == "simulate":
        from cuakhau.simulation.runner import simulate

        return simulate
    raise AttributeError(name)
