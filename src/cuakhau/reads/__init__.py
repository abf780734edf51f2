"""Plate reads from the zone's cameras, and the alerts a person must look at."""
