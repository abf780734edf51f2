"""Disclosure control: no suppressed cell of a published table can be worked
out from the published cells, however the table is made (Hypothesis), tried
the way a reader would (a row's total minus its other cells, over and over)
and by solving the table's equations (numpy, apart from the code's own)."""

from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cuakhau.statistics.disclosure import TOTAL, Cell, Layout, sensitive, suppress


def test_the_primary_rules():
    assert sensitive([10, 10])  # two enterprises
    assert not sensitive([10, 10, 10])
    assert sensitive([86, 7, 7])  # one holds 86%
    assert not sensitive([85, 10, 5])  # 85% exactly is not over
    assert not sensitive([])  # nothing counted
    assert not sensitive([0, 0])
    assert sensitive([Decimal("0.01"), 0, 0])


def table(values: dict[tuple[int, int], int], rows: int, columns: int) -> dict[Cell, int]:
    cells: dict[Cell, int] = {}
    for r in range(rows):
        for c in range(columns):
            cells[(r, c)] = values.get((r, c), 0)
    for r in range(rows):
        cells[(r, TOTAL)] = sum(cells[(r, c)] for c in range(columns))
    for c in [*range(columns), TOTAL]:
        cells[(TOTAL, c)] = sum(cells[(r, c)] for r in range(rows))
    return cells


def subtract_until_stuck(layout: Layout, published: dict[Cell, int]) -> dict[Cell, int]:
    """What a reader gets from totals minus the rest, repeated while it yields."""
    known = dict(published)
    progress = True
    while progress:
        progress = False
        for parts, total in layout.lines():
            missing = [cell for cell in (*parts, total) if cell not in known]
            if len(missing) != 1:
                continue
            (cell,) = missing
            rest = sum(known[part] for part in parts if part in known)
            known[cell] = rest if cell == total else known[total] - rest
            progress = True
    return known


def solvable(layout: Layout, suppressed: set[Cell]) -> set[Cell]:
    """Suppressed cells fixed by the table's equations: those on which every
    solution of the homogeneous system is zero (floating point, numpy)."""
    unknowns = sorted(suppressed, key=repr)
    if not unknowns:
        return set()
    rows = []
    for parts, total in layout.lines():
        row = [(cell in parts) - (cell == total) for cell in unknowns]
        if any(row):
            rows.append(row)
    if not rows:
        return set()
    matrix = np.array(rows, dtype=float)
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null = vt[rank:]
    return {cell for i, cell in enumerate(unknowns) if np.all(np.abs(null[:, i]) < 1e-9)}


@st.composite
def tables(draw: st.DrawFn) -> tuple[Layout, dict[Cell, int], set[Cell]]:
    rows = draw(st.integers(1, 4))
    columns = draw(st.integers(1, 3))
    layout = Layout(rows=list(range(rows)), columns=list(range(columns)))
    contributions: dict[Cell, list[int]] = {}
    for r in range(rows):
        for c in range(columns):
            contributions[(r, c)] = draw(st.lists(st.integers(0, 1000), min_size=0, max_size=5))
    values = table({key: sum(parts) for key, parts in contributions.items()}, rows, columns)

    # The margins' contributors: an enterprise here is its position in a cell's list.
    def margin(cells: list[Cell]) -> list[int]:
        merged: dict[int, int] = {}
        for cell in cells:
            for who, value in enumerate(contributions[cell]):
                merged[who] = merged.get(who, 0) + value
        return list(merged.values())

    primary = {cell for cell, parts in contributions.items() if sensitive(parts)}
    for cell in layout.cells():
        r, c = cell
        if TOTAL in cell:
            inner = [key for key in contributions if r in (TOTAL, key[0]) and c in (TOTAL, key[1])]
            if sensitive(margin(inner)):
                primary.add(cell)
    return layout, values, primary


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_suppressed_cell_can_be_recovered(drawn: tuple[Layout, dict[Cell, int], set[Cell]]):
    layout, values, primary = drawn
    hidden = suppress(layout, values, primary)
    assert primary <= hidden
    published = {cell: value for cell, value in values.items() if cell not in hidden}
    recovered = subtract_until_stuck(layout, published)
    assert not (hidden & recovered.keys())
    assert not solvable(layout, hidden)


def test_a_lone_sensitive_cell_gets_a_complement_in_its_row_and_column():
    layout = Layout(rows=["a", "b"], columns=["export", "import"])
    numbered = table({(0, 0): 5, (0, 1): 500, (1, 0): 400, (1, 1): 300}, 2, 2)
    values = {
        (layout.rows[r] if r != TOTAL else TOTAL, layout.columns[c] if c != TOTAL else TOTAL): v
        for (r, c), v in numbered.items()
    }
    hidden = suppress(layout, values, {("a", "export")})
    # Four cells: a's export and import, b's export and import (a rectangle).
    assert hidden == {("a", "export"), ("a", "import"), ("b", "export"), ("b", "import")}
    published = {cell: value for cell, value in values.items() if cell not in hidden}
    assert ("a", "export") not in subtract_until_stuck(layout, published)
