"""Live updates: queue changes pushed to browsers by Server-Sent Events."""
