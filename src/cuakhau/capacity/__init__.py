"""Gate capacity: weekly patterns, dated overrides, holidays, concrete windows."""
