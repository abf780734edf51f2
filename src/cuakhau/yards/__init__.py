"""Yards (bến bãi): parking and transshipment areas at the gates."""
