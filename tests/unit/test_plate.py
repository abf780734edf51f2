import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuakhau.vehicles.plate import PlateError, normalise_plate, parse_plate

SERIES_LETTERS = "ABCDEFGHKLMNPRSTUVXYZ"


@pytest.mark.parametrize(
    ("raw", "canonical", "country"),
    [
        ("12C12345", "12C-123.45", "VN"),
        ("12c-123.45", "12C-123.45", "VN"),
        (" 29LD 123 45 ", "29LD-123.45", "VN"),
        ("12C-1234", "12C-1234", "VN"),
        ("51F1-123.45", "51F1-123.45", "VN"),
        ("桂A·12345", "桂A12345", "CN"),
        ("桂a 1234x", "桂A1234X", "CN"),
        ("桂AD12345", "桂AD12345", "CN"),
        ("１２Ｃ１２３４５", "12C-123.45", "VN"),
    ],
)
def test_known_plates(raw: str, canonical: str, country: str):
    plate = parse_plate(raw)
    assert (plate.canonical, plate.country) == (canonical, country)


@pytest.mark.parametrize(
    "raw",
    ["", "ABC", "10C-123.45", "12I-123.45", "12C-123", "12C-123.456", "桂I12345", "X A12345"],
)
def test_malformed_plates(raw: str):
    with pytest.raises(PlateError):
        parse_plate(raw)


vietnamese_plates = st.builds(
    lambda province, series, digits, dash, dot: (
        f"{province:02d}{series}{'-' if dash else ''}"
        f"{digits[:3]}{'.' if dot and len(digits) == 5 else ''}{digits[3:]}"
    ),
    st.integers(11, 99),
    st.text(SERIES_LETTERS, min_size=1, max_size=2),
    st.text("0123456789", min_size=4, max_size=5),
    st.booleans(),
    st.booleans(),
)


@given(vietnamese_plates)
def test_normalising_is_stable_and_keeps_the_characters(raw: str):
    canonical = normalise_plate(raw)
    assert normalise_plate(canonical) == canonical
    assert canonical.replace("-", "").replace(".", "") == raw.replace("-", "").replace(".", "")


@given(st.text(max_size=12))
def test_anything_either_parses_or_raises_plate_error(raw: str):
    try:
        canonical = normalise_plate(raw)
    except PlateError:
        return
    assert normalise_plate(canonical) == canonical
