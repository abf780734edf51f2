"""Cells of the files cuakhau writes: formula-like text neutralised, numbers left alone."""

from decimal import Decimal

import pytest

from cuakhau.core.spreadsheet import csv_row, is_formula_like, read_csv_cell, xlsx_text


@pytest.mark.parametrize(
    "text", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "-", "=", "- note", "-\u0663"]
)
def test_formula_like_text_gets_an_apostrophe_and_reads_back(text: str):
    assert is_formula_like(text)
    [cell] = csv_row([text])
    assert cell == "'" + text
    assert read_csv_cell(cell) == text


@pytest.mark.parametrize("value", ["-12.5", "+3", "-1,000.25", "-4e-3", -7, Decimal("-2.5"), 0.5])
def test_numbers_stay_numbers(value: object):
    assert csv_row([value]) == [value]


def test_plain_text_and_apostrophes_are_kept():
    assert csv_row(["Công ty", "'quoted'", "a=b", None]) == ["Công ty", "'quoted'", "a=b", None]
    assert read_csv_cell("'quoted'") == "'quoted'"


def test_xlsx_text_drops_what_xml_cannot_hold():
    assert xlsx_text("Bell\aCo\x00\x1f\ufffe\tok\n") == "BellCo\tok\n"
