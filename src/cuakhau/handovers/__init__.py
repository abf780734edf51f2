"""Handovers between our vehicles and the other side's: modes, steps, trailers, transfer drivers."""
