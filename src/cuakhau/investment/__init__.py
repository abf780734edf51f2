"""The board's investment portfolio: registry, dated amendments, imports, reports."""
