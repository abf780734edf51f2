"""Transshipment yards: bays, stevedore teams, and transloads (sang tải) in bay slots."""
