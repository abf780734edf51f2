"""Backups and restores of the whole database (``cuakhau backup``, ``cuakhau restore``)."""
