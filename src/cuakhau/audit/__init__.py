"""The audit log: every write, who made it, and its values before and after."""
