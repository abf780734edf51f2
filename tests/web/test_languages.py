"""Every page in both languages: the English page carries no Vietnamese label and
the Vietnamese page none of the English ones, for each role's own pages; and on
every page each control has a name a screen reader can say, and the page fits a
phone's screen."""

import re
from unicodedata import normalize

import pytest
from playwright.sync_api import Page

from cuakhau.core.messages import catalogue
from tests.web.conftest import Site, log_in, status_of

PAGES = {
    None: ["/", "/wait-times", "/zone", "/invest", "/login"],
    "enterprise": ["/crossings", "/crossings/book", "/fleet", "/fees"],
    "gate_officer": ["/gate"],
    "yard_operator": ["/yard"],
    "customs": ["/customs"],
    "board": ["/board", "/investment", "/investment/reports", "/planning"],
    "admin": ["/admin/users", "/admin/audit", "/admin/reference"],
}
# Letters only Vietnamese writes: a label with one is not also an English word.
VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơư]|[\u0300-\u0323]")


def labels(language: str) -> set[str]:
    """The texts of one language that the other language words differently, long
    enough not to be a word that data (a gate's name) could also hold."""
    own, other = catalogue(language), catalogue("en" if language == "vi" else "vi")
    found = set()
    for key, text in own.items():
        if key not in other or other[key] == text or "{" in text or len(text) < 12:
            continue
        if language == "vi" and not VIETNAMESE_LETTERS.search(normalize("NFD", text.lower())):
            continue
        found.add(text)
    return found


def visible_text(page: Page) -> str:
    return page.locator("body").inner_text()


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
PAGE_WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth > window.innerWidth + 1"

# Controls a person can reach with no label, no aria-label and no aria-labelledby;
# buttons and links with no text either.
UNNAMED_CONTROLS = """() => [...document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button, a[href]')]
  .filter(el => el.getClientRects().length > 0)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
    && !el.getAttribute('aria-labelledby') && !(el.textContent || '').trim()
    && !(el.type === 'submit' && el.value) && !el.title)
  .map(el => el.outerHTML.slice(0, 120))"""


@pytest.mark.parametrize("role", list(PAGES), ids=lambda role: role or "public")
def test_each_page_speaks_one_language_and_names_its_controls(
    page: Page, site: Site, role: str | None
):
    if role is not None:
        log_in(page, role)
    foreign = {"en": labels("vi"), "vi": labels("en")}
    for url in PAGES[role]:
        for language in ("en", "vi"):
            assert status_of(page, f"{url}?lang={language}") == 200, (url, language)
            assert page.locator("html").get_attribute("lang") == language
            text = visible_text(page)
            leaked = sorted(label for label in foreign[language] if label in text)
            assert leaked == [], (url, language)
            assert page.evaluate(UNNAMED_CONTROLS) == [], (url, language)
        # On a phone the page fits the screen's width (wide tables scroll inside).
        page.set_viewport_size(PHONE)
        page.goto(url)
        assert page.evaluate(PAGE_WIDER_THAN_SCREEN) is False, url
        page.set_viewport_size(DESKTOP)
