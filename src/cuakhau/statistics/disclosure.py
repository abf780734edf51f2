"""Statistical disclosure control of a published table (docs/statistics.md,
"What the public sees"), as customs statistics practise it.

A table has inner cells (row × column) and its margins: each row's total, each
column's total and the grand total, all published. A cell is **sensitive**
(primary suppression) when fewer than ``MIN_CONTRIBUTORS`` enterprises make it
up, or when the largest of them has more than ``DOMINANCE`` of it. A sensitive
cell is not published, and neither are enough others (secondary suppression)
that no suppressed cell can be worked out from the published ones: the
suppressed cells' values are unknowns of the table's equations (each row and
column adds up to its total), and a value is recoverable exactly when its
unit vector is a combination of those equations. Complements are added until
no suppressed cell is, preferring the smallest non-zero cells (a zero may be
known to be zero, and protects nothing).
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

MIN_CONTRIBUTORS = 3
DOMINANCE = Decimal("0.85")
TOTAL = "total"

Cell = tuple[Hashable, Hashable]
Number = int | Decimal


def sensitive(contributions: Iterable[Number]) -> bool:
    """Whether a cell made of these contributions (one per enterprise) may not
    be published: fewer than 3 enterprises, or one over 85% of the cell. An
    empty cell (nothing counted) is not sensitive."""
    values = [value for value in contributions if value > 0]
    if not values:
        return False
    return len(values) < MIN_CONTRIBUTORS or max(values) > DOMINANCE * sum(values)


@dataclass(frozen=True)
class Layout:
    """A table's inner rows and columns; its margins are ``TOTAL``."""

    rows: Sequence[Hashable]
    columns: Sequence[Hashable]

    def cells(self) -> list[Cell]:
        return [(r, c) for r in [*self.rows, TOTAL] for c in [*self.columns, TOTAL]]

    def lines(self) -> list[tuple[list[Cell], Cell]]:
        """Each row and column: its cells and the total they add up to."""
        lines = [([(r, c) for c in self.columns], (r, TOTAL)) for r in [*self.rows, TOTAL]]
        lines += [([(r, c) for r in self.rows], (TOTAL, c)) for c in [*self.columns, TOTAL]]
        return lines


def recoverable(layout: Layout, suppressed: set[Cell]) -> set[Cell]:
    """The suppressed cells whose values follow exactly from the published ones."""
    unknowns = sorted(suppressed, key=repr)
    index = {cell: i for i, cell in enumerate(unknowns)}
    equations = []
    for parts, total in layout.lines():
        row = [Fraction(0)] * len(unknowns)
        for cell in parts:
            if cell in index:
                row[index[cell]] += 1
        if total in index:
            row[index[total]] -= 1
        if any(row):
            equations.append(row)
    basis = _echelon(equations)
    rank = len(basis)
    found = set()
    for cell, i in index.items():
        unit = [Fraction(0)] * len(unknowns)
        unit[i] = Fraction(1)
        if len(_echelon([*basis, unit])) == rank:
            found.add(cell)
    return found


def _echelon(rows: Sequence[Sequence[Fraction]]) -> list[list[Fraction]]:
    """The non-zero rows of the matrix's row echelon form (exact)."""
    matrix = [list(row) for row in rows]
    width = len(matrix[0]) if matrix else 0
    pivot_row = 0
    for column in range(width):
        pivot = next((r for r in range(pivot_row, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[pivot_row], matrix[pivot] = matrix[pivot], matrix[pivot_row]
        lead = matrix[pivot_row][column]
        for r in range(pivot_row + 1, len(matrix)):
            factor = matrix[r][column] / lead
            if factor:
                matrix[r] = [
                    a - factor * b for a, b in zip(matrix[r], matrix[pivot_row], strict=True)
                ]
        pivot_row += 1
    return matrix[:pivot_row]


def suppress(layout: Layout, values: Mapping[Cell, Number], primary: set[Cell]) -> set[Cell]:
    """The cells not to publish: the sensitive ones and their complements."""
    suppressed = set(primary)
    while exposed := recoverable(layout, suppressed):
        complement = _complement(layout, values, suppressed, exposed)
        if complement is None:
            return set(layout.cells())
        suppressed.add(complement)
    return suppressed


def _complement(
    layout: Layout, values: Mapping[Cell, Number], suppressed: set[Cell], exposed: set[Cell]
) -> Cell | None:
    """The cheapest published cell to hide beside the exposed ones: one sharing
    a row or column with one of them if any, else any (``_cost``)."""
    near = {
        other
        for parts, total in layout.lines()
        if exposed & {*parts, total}
        for other in (*parts, total)
    }
    for candidates in (near, set(layout.cells())):
        published = [other for other in candidates if other not in suppressed]
        if published:
            return min(published, key=lambda other: _cost(values, other))
    return None


def _cost(values: Mapping[Cell, Number], cell: Cell) -> tuple[bool, bool, Number, str]:
    """Inner cells before totals (the totals are what readers come for), then
    non-zero before zero, then the smallest."""
    value = values.get(cell, 0)
    return (TOTAL in cell, value == 0, value, repr(cell))
