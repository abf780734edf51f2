"""Numbers as the zone writes them, on pages and in the CLI alike."""

from decimal import Decimal


def format_number(value: int | float | Decimal | None, decimals: int = 0) -> str:
    """1234567.5 → ``1.234.567,5``: Vietnamese separators, the zone's own convention
    in both languages."""
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    return text.translate(str.maketrans({",": ".", ".": ","}))
