"""The drivers' pages' words and colours: the Chinese catalogue holds every text
the display board and a truck's own page show (its placeholders agreeing with
Vietnamese), and their colours stay far above WCAG AA for sunlight and
distance."""

import re
from importlib.resources import files
from pathlib import Path

import pytest

from cuakhau.core.messages import catalogue
from cuakhau.models.enums import CrossingState, Direction
from tests.unit.test_catalogues import LABEL_USE, placeholders
from tests.unit.test_contrast import contrast

TEMPLATES = Path(str(files("cuakhau"))) / "web" / "templates"
DRIVER_TEMPLATES = (
    "outdoor_base.html",
    "_driver_languages.html",
    "driver.html",
    "_driver_live.html",
    "driver_refused.html",
    "display.html",
    "_display_live.html",
    "_display_macros.html",
    "_live.html",
)
# Keys built from a prefix in those templates, and the refusals the pages show.
BUILT_KEYS = {
    *(f"state_{state.value}" for state in CrossingState),
    *(f"direction_{direction.value}" for direction in Direction),
    *(f"display_lane_{direction.value}" for direction in Direction),
    "driver_link_invalid",
    "driver_link_expired",
}
# A key the display board shows through its bilingual macros: both("key"),
# trucks("key", ...).
BOTH_USE = re.compile(r"""\b(?:both|trucks)\(\s*["']([a-z0-9_]*[a-z0-9])["']""")


def driver_keys() -> set[str]:
    keys = set(BUILT_KEYS)
    for name in DRIVER_TEMPLATES:
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        keys |= set(LABEL_USE.findall(text)) | set(BOTH_USE.findall(text))
    return keys


def test_chinese_has_every_text_of_the_drivers_pages() -> None:
    chinese = catalogue("zh")
    assert "display_called" in driver_keys()
    missing = sorted(key for key in driver_keys() if (key, None) not in chinese)
    assert missing == []


def test_chinese_placeholders_agree_with_vietnamese() -> None:
    vietnamese = catalogue("vi")
    for (key, _), text in catalogue("zh").items():
        assert placeholders(text) == placeholders(vietnamese[(key, None)]), key


OUTDOOR = (files("cuakhau") / "web" / "static" / "outdoor.css").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("selector", "minimum"),
    [
        ("body.driver", 15),
        ("body.board-display", 15),
        (".display-list h2", 12),
        (".display-list.called h2", 12),
        (".display-foot", 12),
    ],
)
def test_outdoor_colours_contrast_far_above_aa(selector: str, minimum: float) -> None:
    rule = re.search(r"(?m)^" + re.escape(selector) + r"\s*\{([^}]*)\}", OUTDOOR)
    assert rule is not None, selector
    found = dict(re.findall(r"(?<![-\w])(color|background):\s*(#[0-9a-fA-F]{3,6})", rule[1]))
    text = found["color"]
    background = found.get("background", "#000000")
    full = [c if len(c) == 7 else "#" + "".join(ch * 2 for ch in c[1:]) for c in (text, background)]
    assert contrast(*full) >= minimum
