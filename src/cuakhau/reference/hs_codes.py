"""HS headings for cargo lines: the shipped subset of the WCO's HS 2022
nomenclature (``data/hs_codes.yaml``) and a search over it that forgives missing
diacritics, so "sau rieng", "sầu riêng", "durian" and "0810" find the same heading;
and all 97 chapters (``data/hs_chapters.yaml``), which name the statistics' rows."""

import re
import unicodedata
from functools import cache
from importlib.resources import files
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_LIMIT = 10
_WORD = re.compile(r"\w+")


class HsHeading(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: Annotated[str, Field(pattern=r"^\d{4}$")]
    en: str
    vi: str
    keywords_en: list[str] = Field(default_factory=list)
    keywords_vi: list[str] = Field(default_factory=list)
    perishable: bool = False

    def description(self, language: str) -> str:
        return self.vi if language == "vi" else self.en

    def keywords(self, language: str) -> list[str]:
        return self.keywords_vi if language == "vi" else self.keywords_en


class HsList(BaseModel):
    source: str
    headings: list[HsHeading] = Field(min_length=1)

    @field_validator("headings")
    @classmethod
    def _sorted_and_unique(cls, headings: list[HsHeading]) -> list[HsHeading]:
        codes = [heading.code for heading in headings]
        if codes != sorted(set(codes)):
            raise ValueError("headings must be unique and sorted by code")
        return headings


class HsChapter(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: Annotated[str, Field(pattern=r"^\d{2}$")]
    en: str
    vi: str


class HsChapters(BaseModel):
    source: str
    chapters: list[HsChapter] = Field(min_length=97, max_length=97)

    @field_validator("chapters")
    @classmethod
    def _every_chapter(cls, chapters: list[HsChapter]) -> list[HsChapter]:
        if [chapter.code for chapter in chapters] != [f"{n:02d}" for n in range(1, 98)]:
            raise ValueError("chapters must be 01 to 97, in order")
        return chapters


def fold(text: str) -> str:
    """Lower case without diacritics: "Sầu Riêng" → "sau rieng" (đ is its own letter)."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@cache
def hs_list() -> HsList:
    path = files("cuakhau") / "reference" / "data" / "hs_codes.yaml"
    return HsList.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


@cache
def hs_chapters() -> HsChapters:
    path = files("cuakhau") / "reference" / "data" / "hs_chapters.yaml"
    return HsChapters.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


@cache
def _names() -> dict[str, HsChapter | HsHeading]:
    return {item.code: item for item in [*hs_chapters().chapters, *hs_list().headings]}


def hs_name(code: str, language: str) -> str | None:
    """A chapter's (2 digits) or heading's (4) name in Vietnamese, or in English
    for any other language; None for a heading the shipped subset lacks."""
    named = _names().get(code)
    if named is None:
        return None
    return named.vi if language == "vi" else named.en


@cache
def _search_texts() -> list[tuple[HsHeading, str, frozenset[str]]]:
    """Each heading with everything it can be found by, as written and folded."""
    texts = []
    for heading in hs_list().headings:
        written = " ".join(
            [heading.code, heading.vi, heading.en, *heading.keywords_vi, *heading.keywords_en]
        ).lower()
        texts.append((heading, written, frozenset(_WORD.findall(fold(written)))))
    return texts


def search_headings(query: str, limit: int = DEFAULT_LIMIT) -> list[HsHeading]:
    """Headings whose code starts with the query's digits (or the query with the
    code), or where every word of the query begins a word of the heading's texts.
    Best first: the query found as typed, diacritics and all, then the list's order."""
    typed = query.strip().lower()
    digits = re.sub(r"[\s.]", "", typed)
    if digits.isdigit():
        return [
            heading
            for heading in hs_list().headings
            if heading.code.startswith(digits[:4]) or digits.startswith(heading.code)
        ][:limit]
    words = _WORD.findall(fold(typed))
    if not words:
        return []
    ranked = []
    for order, (heading, written, folded) in enumerate(_search_texts()):
        if all(any(known.startswith(word) for known in folded) for word in words):
            exact = typed in written
            ranked.append((not exact, order, heading))
    return [heading for *_, heading in sorted(ranked, key=lambda item: item[:2])][:limit]


def heading_for(hs_code: str) -> HsHeading | None:
    """The heading a 4–10 digit code falls under, if the shipped subset has it."""
    return next((h for h in hs_list().headings if hs_code.startswith(h.code)), None)
