"""The ``cuakhau`` command."""
