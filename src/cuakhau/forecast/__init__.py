"""Warning days ahead: the hourly queue forecast from the live state (docs/simulation.md)."""
