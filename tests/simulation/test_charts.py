"""Charts: every line its own colour, and the legend off the data."""

from __future__ import annotations

import matplotlib.pyplot as plt

from cuakhau.simulation import load_scenario, simulate
from cuakhau.simulation.plots import gate_lines, line_colours, png_figure


def test_colours_never_repeat_among_the_lines_of_a_chart() -> None:
    for count in (1, 7, 8, 12, 40):
        colours = line_colours(count)
        assert len(colours) == count
        assert len(set(colours)) == count
        assert "#000000" not in colours  # the observed points' colour


def test_the_legend_covers_no_panel_of_the_december_2021_chart() -> None:
    scenario = load_scenario("langson-2021-12")
    short = scenario.model_copy(update={"days": 25, "warmup_days": 0})
    result = simulate(short, replications=2, seed=1, workers=1)
    lines = gate_lines(result, "en")
    figure = png_figure(lines, "December 2021", "en")
    try:
        figure.canvas.draw()
        renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
        (legend,) = figure.legends
        box = legend.get_window_extent(renderer)
        labels = [text.get_text() for text in legend.get_texts()]
        assert "Zone (all gates)" in labels
        assert "Hữu Nghị" in labels
        assert any("reported" in label for label in labels)  # the observed point's entry
        for axis in figure.axes:
            assert not box.overlaps(axis.get_window_extent(renderer)), axis.get_title()
        # Each gate and the zone is drawn in a colour of its own.
        first = figure.axes[0]
        drawn = [line.get_color() for line in first.get_lines() if line.get_label() in labels]
        simulated = drawn[: len(lines)]
        assert len(set(simulated)) == len(lines)
    finally:
        plt.close(figure)
