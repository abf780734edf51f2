"""Crossings: one truck's trip through the zone, from booking to return."""
