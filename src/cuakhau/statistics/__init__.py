"""The board's trade, vehicle and fee statistics, read from daily rollups (docs/statistics.md)."""
