"""The counterpart gate: the other side's system reads our expected crossings and
posts its acceptance over a signed machine API (docs/counterpart.md)."""
