"""cuakhau: digital border gate and planning platform for a land border-gate economic zone."""

__version__ = "0.1.0"
