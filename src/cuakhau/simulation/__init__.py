"""What-if planning: a discrete-event simulator of the zone's gates, yards and queues."""

from cuakhau.simulation.loader import ScenarioError, load_scenario, parse_scenario
from cuakhau.simulation.runner import simulate

__all__ = ["ScenarioError", "load_scenario", "parse_scenario", "simulate"]
