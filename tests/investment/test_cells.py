from datetime import date
from decimal import Decimal

import pytest

from cuakhau.core.cells import CellError, parse_bool, parse_date, parse_number


@pytest.mark.parametrize(
    ("raw", "integer", "expected"),
    [
        ("3.033,8", False, Decimal("3033.8")),
        ("3,033.8", False, Decimal("3033.8")),
        ("3033.8", False, Decimal("3033.8")),
        ("3,5", False, Decimal("3.5")),
        ("13.046.500.000.000", True, Decimal(13_046_500_000_000)),
        ("3.033", True, Decimal(3033)),
        ("23.000", False, Decimal(23000)),
        ("0,125", False, Decimal("0.125")),
        ("1 200 000", True, Decimal(1_200_000)),
        (207.45, False, Decimal("207.45")),
        ("-5", True, Decimal(-5)),
    ],
)
def test_numbers_in_either_convention(raw: object, integer: bool, expected: Decimal):
    assert parse_number(raw, integer=integer) == expected


@pytest.mark.parametrize(
    ("raw", "integer", "code"),
    [
        ("abc", False, "number_invalid"),
        ("3.03,3.1", False, "number_invalid"),
        ("1.2.3", False, "number_invalid"),
        ("3.033,8", True, "number_not_whole"),
    ],
)
def test_unreadable_numbers(raw: str, integer: bool, code: str):
    with pytest.raises(CellError) as error:
        parse_number(raw, integer=integer)
    assert error.value.code == code


def test_dates_and_flags():
    assert parse_date("31/12/2021") == parse_date("2021-12-31") == date(2021, 12, 31)
    with pytest.raises(CellError):
        parse_date("31/13/2021")
    assert parse_bool("có") is True
    assert parse_bool("no") is False
