"""Vehicles (phương tiện) registered by enterprises."""
