import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuakhau.drivers.identity import normalise_id_number, normalise_phone
from cuakhau.enterprises.tax_code import TaxCodeError, check_digit, normalise_tax_code


@pytest.mark.parametrize("code", ["0100109106", "0300588569", "0100109106-001"])
def test_real_tax_codes_pass(code: str):
    assert normalise_tax_code(code) == code


@given(st.text("0123456789", min_size=9, max_size=9))
def test_exactly_one_last_digit_fits(first_nine: str):
    digit = check_digit(first_nine)
    fitting = [last for last in "0123456789" if _passes(first_nine + last)]
    assert fitting == ([] if digit is None else [str(digit)])


def _passes(code: str) -> bool:
    try:
        normalise_tax_code(code)
    except TaxCodeError as error:
        return error.code != "tax_code_checksum"
    return True


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0912 345 678", "+84912345678"), ("+86 138 0771 2345", "+8613807712345")],
)
def test_phones(raw: str, expected: str):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "+84 12", "phone", "0912 345 6789 12"])
def test_bad_phones(raw: str):
    with pytest.raises(ValueError, match=r".+"):
        normalise_phone(raw)


@pytest.mark.parametrize(
    ("raw", "nationality", "expected"),
    [
        ("020085001234", "VN", "020085001234"),
        ("c1234567", "VN", "C1234567"),
        ("45080219880506123x", "CN", "45080219880506123X"),
        ("E12345678", "CN", "E12345678"),
        ("X1234567", "TH", "X1234567"),
    ],
)
def test_id_numbers(raw: str, nationality: str, expected: str):
    assert normalise_id_number(raw, nationality) == expected


@pytest.mark.parametrize(("raw", "nationality"), [("1234567", "VN"), ("1234", "CN")])
def test_bad_id_numbers(raw: str, nationality: str):
    with pytest.raises(ValueError, match=r".+"):
        normalise_id_number(raw, nationality)
