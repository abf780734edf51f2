"""The pages' colours, day and night, meet WCAG 2.1 AA contrast (4.5:1 for text)
for every pair of text and background the stylesheet puts together."""

import re
from importlib.resources import files

import pytest

STYLESHEET = (files("cuakhau") / "web" / "static" / "cuakhau.css").read_text(encoding="utf-8")
THEMES = {
    "day": r":root\s*\{(?P<body>[^}]*)\}",
    "night": r"html\[data-theme=\"dark\"\]\s*\{(?P<body>[^}]*)\}",
}
# (text, background): body text, muted text, text on panels and on the warning
# colours, the accent as text and behind button text, errors on their background.
PAIRS = [
    ("fg", "bg"),
    ("muted", "bg"),
    ("fg", "panel"),
    ("muted", "panel"),
    ("accent", "bg"),
    ("accent-fg", "accent"),
    ("header-fg", "header-bg"),
    ("error", "bg"),
    ("error", "error-bg"),
    ("ok", "bg"),
    *(("fg", warning) for warning in ("green", "yellow", "orange", "red")),
]


def colours(theme: str) -> dict[str, str]:
    block = re.search(THEMES[theme], STYLESHEET)
    assert block is not None, theme
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", block["body"]))


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(first: str, second: str) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_formula_matches_wcag_examples() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_the_night_header_is_a_dark_band() -> None:
    night = colours("night")
    assert luminance(night["header-bg"]) < 0.05


@pytest.mark.parametrize("theme", list(THEMES))
@pytest.mark.parametrize(("text", "background"), PAIRS)
def test_text_is_readable_on_its_background(theme: str, text: str, background: str) -> None:
    palette = colours(theme)
    assert contrast(palette[text], palette[background]) >= 4.5
