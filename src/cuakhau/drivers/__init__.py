"""Drivers (lái xe) of an enterprise's vehicles."""
