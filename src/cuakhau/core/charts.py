"""Charts drawn for print: what a PDF report shows beside its tables.

A ``Chart`` is plain data (a title, the categories along one axis, one or more
named series of numbers); ``to_png`` draws it with matplotlib. The series are
told apart without colour too: each has its own line style and marker, or its
own hatching, so a chart reads on a black-and-white printer. The text is
matplotlib's own DejaVu Sans, the font the PDF embeds, so Vietnamese diacritics
show. matplotlib is imported when the first chart is drawn, not at start-up.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from cuakhau.core.numbers import format_number

if TYPE_CHECKING:
    from matplotlib.axes import Axes


class ChartKind(StrEnum):
    # A value per day (or other step) of a period, each series a line.
    lines = "lines"
    # Upright bars, the series side by side in each category.
    bars = "bars"
    # Lying bars, for long category names (a gate, an HS chapter).
    lying = "lying"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


@dataclass(frozen=True)
class Chart:
    title: str
    kind: ChartKind
    categories: Sequence[str]
    series: Sequence[Series]
    # What the values are, with their unit: "Trị giá (USD)".
    axis: str
    # What the categories are ("Ngày"); lying bars name their rows instead.
    across: str = ""

    @property
    def empty(self) -> bool:
        """Nothing to draw: no category, or every value nought."""
        return not self.categories or not any(v for s in self.series for v in s.values)


# Colour, line style, marker and hatching of each series in turn: the first is
# dark and solid, the next lighter and dashed, so grey print keeps them apart.
STYLES = (
    ("#1f4e79", "-", "o", ""),
    ("#8a9bb0", "--", "s", "///"),
    ("#3a7d44", ":", "^", "..."),
    ("#b5651d", "-.", "D", "xx"),
)
WIDTH_INCHES = 10.0
DPI = 110
# At most this many markers on a line, however many days it has.
MARKERS = 31
# At most this many dates along the bottom, so they never overlap.
TICKS = 12
# The PNG's colours: enough for the anti-aliased edges, few enough that the
# file stays a few tens of kilobytes.
COLOURS = 64


def to_png(chart: Chart, language: str) -> bytes:
    """``chart`` as a PNG image; numbers on the value axis written as ``language``
    writes them (1.000.000 in Vietnamese)."""
    # A Figure on its own Agg canvas, not pyplot: pyplot keeps every open figure
    # and its settings in one global state, which requests in parallel threads
    # would share. Nothing to close: the figure goes with its last reference.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator
    from PIL import Image

    rows = len(chart.categories)
    height = 4.2 if chart.kind is not ChartKind.lying else 1.4 + 0.32 * rows * len(chart.series)
    figure = Figure(figsize=(WIDTH_INCHES, min(height, 9.0)), dpi=DPI, layout="constrained")
    canvas = FigureCanvasAgg(figure)
    axis = figure.subplots()
    _draw(axis, chart)
    numbers = FuncFormatter(lambda value, _: format_number(value, language))
    value_axis = axis.xaxis if chart.kind is ChartKind.lying else axis.yaxis
    value_axis.set_major_formatter(numbers)
    # Whole ticks: half a truck is no figure.
    value_axis.set_major_locator(MaxNLocator(integer=True))
    axis.tick_params(labelsize=8)
    axis.set_title(chart.title, fontsize=11, fontweight="bold")
    axis.grid(axis="x" if chart.kind is ChartKind.lying else "y", color="#dddddd")
    axis.set_axisbelow(True)
    # Under the plot, where it hides no bar or line.
    figure.legend(loc="outside lower center", ncols=len(chart.series), fontsize=8)
    # Drawn once and read as pixels: savefig would draw again and encode a PNG
    # only to have it read back.
    canvas.draw()
    pixels = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
    # 64 colours and no alpha channel: a quarter of the size, and fpdf2 embeds it
    # as it is instead of splitting out a transparency mask.
    image = pixels.convert("RGB").quantize(COLOURS, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def png_size(png: bytes) -> tuple[int, int]:
    """A PNG's width and height in pixels, from its header."""
    from PIL import Image

    return Image.open(io.BytesIO(png)).size


def _draw(axis: "Axes", chart: Chart) -> None:
    count = len(chart.series)
    places = range(len(chart.categories))
    if chart.kind is ChartKind.lines:
        every = max(1, len(chart.categories) // MARKERS)
        for (colour, line, marker, _), series in zip(STYLES, chart.series, strict=False):
            axis.plot(
                list(places)[: len(series.values)],
                list(series.values)[: len(chart.categories)],
                color=colour,
                linestyle=line,
                marker=marker,
                markersize=4,
                markevery=every,
                linewidth=1.6,
                label=series.name,
            )
        ticks = list(places)[:: -(-len(chart.categories) // TICKS)]
        axis.set_xticks(ticks, [chart.categories[i] for i in ticks])
        axis.set_ylim(bottom=0)
        axis.set_xlabel(chart.across)
        axis.set_ylabel(chart.axis)
        return
    width = 0.8 / count
    draw = axis.barh if chart.kind is ChartKind.lying else axis.bar
    for index, ((colour, _, _, hatch), series) in enumerate(
        zip(STYLES, chart.series, strict=False)
    ):
        offsets = [place - 0.4 + width * (index + 0.5) for place in places]
        draw(
            offsets,
            list(series.values),
            width,
            color=colour,
            hatch=hatch,
            edgecolor="black",
            linewidth=0.5,
            label=series.name,
        )
    if chart.kind is ChartKind.lying:
        axis.set_yticks(list(places), list(chart.categories))
        # The first (largest) row on top, as the table lists it.
        axis.invert_yaxis()
        axis.set_xlabel(chart.axis)
    else:
        axis.set_xticks(list(places), list(chart.categories))
        axis.set_xlabel(chart.across)
        axis.set_ylabel(chart.axis)
