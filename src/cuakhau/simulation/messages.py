"""Every sentence the simulator shows a person, kept together so it can be translated."""

SCENARIO_NOT_FOUND = (
    "scenario {name!r} not found: no such file and no shipped scenario of that name"
)
SCENARIO_NOT_YAML = "{path}: not valid YAML ({detail})"
SCENARIO_NOT_MAPPING = "{path}: a scenario must be a mapping of keys to values"
SCENARIO_EXTENDS_LOOP = "{path}: 'extends' goes round in a circle through {name!r}"
SCENARIO_INVALID = "{path}: the scenario has {count} problem(s):"
PROBLEM_LINE = "  - {where}: {what}"

SHARES_NOT_ONE = "shares must add up to 1 (they add up to {total:g})"
UNKNOWN_COMMODITY = "no commodity {name!r} under 'commodities' (known: {known})"
UNKNOWN_GATE = "no gate {name!r} under 'gates' (known: {known})"
NO_CAPACITY_FOR_DIRECTION = (
    "gate {gate!r} has crossing capacity but none for direction {direction!r}, "
    "which this stream uses"
)
NO_QUARANTINE = (
    "gate {gate!r} has no quarantine station but receives {commodity!r}, which needs quarantine"
)
BOOKING_NEEDS_CAPACITY = (
    "policy 'booked_windows' needs crossing capacity at every gate; gate {gate!r} has none"
)
SHELF_LIFE_MISSING = "a perishable commodity needs 'shelf_life_hours'"
CHANGE_ENDS_BEFORE_START = "'to' ({to}) is before 'from' ({start})"
BAD_HOURS = "opening hours must look like '07:00-19:00' with the start before the end"
WARMUP_TOO_LONG = "warmup_days ({warmup}) must be less than days ({days})"
PROFILE_ALL_ZERO = "the daily profile must have at least one hour above zero"
BAD_TIME = "a time of day must look like '14:30'"
OUTSIDE_HORIZON = "the date is outside the scenario (from 'start', 'days' long)"

PROGRESS_REPLICATIONS = "Simulating {name}"
WROTE_RESULTS = "Results written to {out}"
WROTE_SNAPSHOT = "Scenario {name} written to {out}; run it with: cuakhau simulate {out}"
COMPARE_TITLE = "Scenarios compared ({replications} replications each, 95% CI)"
COMPARE_ZONE_COLUMN = "zone, whole horizon"
COMPARED_LABELS = {
    "wait_mean_hours": "wait, mean (h)",
    "wait_p90_hours": "wait, p90 (h)",
    "wait_p99_hours": "wait, p99 (h)",
    "peak_trucks_waiting": "peak trucks waiting",
    "crossed": "trucks crossed",
    "yard_overflow": "found yard full",
    "crossed_past_shelf_life": "crossed past shelf life",
    "gave_up": "gave up and turned back",
}
