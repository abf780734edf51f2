"""Customs and quarantine: declaration, channel, holds, release and rejection."""
