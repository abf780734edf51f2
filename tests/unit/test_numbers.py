"""Each language writes numbers its own way: one function per kind, used by the
pages, the exports and the CLI alike."""

from decimal import Decimal

import pytest

from cuakhau.core.numbers import format_number, format_percent
from cuakhau.core.tables import shown


@pytest.mark.parametrize(
    ("value", "language", "decimals", "expected"),
    [
        (139_300_000_000, "vi", 0, "139.300.000.000"),
        (139_300_000_000, "en", 0, "139,300,000,000"),
        (1234567.5, "vi", 1, "1.234.567,5"),
        (1234567.5, "en", 1, "1,234,567.5"),
        (Decimal("207480000.00"), "en", 2, "207,480,000.00"),
        (-3.25, "vi", 2, "-3,25"),
        (None, "en", 0, "—"),
    ],
)
def test_numbers_in_each_language(
    value: float | Decimal | None, language: str, decimals: int, expected: str
) -> None:
    assert format_number(value, language, decimals) == expected


def test_percentages_in_each_language() -> None:
    assert format_percent(0.551, "vi", 1) == "55,1%"
    assert format_percent(0.551, "en", 1) == "55.1%"
    assert format_percent(0.55, "vi") == "55%"


def test_a_pdf_cell_uses_the_same_rule() -> None:
    assert shown(139_300_000_000, "vnd", "en") == "139,300,000,000"
    assert shown(139_300_000_000, "vnd", "vi") == "139.300.000.000"
    assert shown(Decimal("12.5"), "percent", "en") == "12.5%"
