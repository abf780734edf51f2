"""The gettext catalogues: both languages complete, placeholders that agree, and every
label a page or the code asks for present."""

import re
import string
from importlib.resources import files
from pathlib import Path

import pytest

from cuakhau.core.messages import LANGUAGES, catalogue, translate

SOURCE = Path(str(files("cuakhau")))
# t("key" ...) in templates, translate("key" ...) in code; a key built from a
# prefix, t("state_" ~ state), is not a key of its own.
LABEL_USE = re.compile(r"""\b(?:t|translate)\(\s*["']([a-z0-9_]*[a-z0-9])["']""")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_every_message() -> None:
    first, *others = (set(catalogue(language)) for language in LANGUAGES)
    for keys in others:
        assert keys == first


def test_placeholders_agree_between_languages() -> None:
    vietnamese = catalogue("vi")
    for key, text in vietnamese.items():
        for language in LANGUAGES[1:]:
            assert placeholders(catalogue(language)[key]) == placeholders(text), key


def test_vietnamese_has_its_diacritics() -> None:
    # A catalogue saved in the wrong encoding loses them all at once.
    assert translate("nav_login", "vi") == "Đăng nhập"
    assert translate("status_404", "en") == "Not found"


def test_entity_names_are_translated_in_messages() -> None:
    assert translate("not_found", "vi", entity="gate", id=3) == "Không tìm thấy cửa khẩu #3."
    assert translate("not_found", "en", entity="gate", id=3) == "gate #3 not found."


def test_states_in_messages_are_words_not_codes() -> None:
    assert translate("illegal_move", "vi", id=7, from_state="booked", to_state="crossed") == (
        "Không thể chuyển chuyến #7 từ trạng thái Đã đặt lịch sang Đã qua biên giới."
    )
    english = translate("illegal_move", "en", id=7, from_state="booked", to_state="crossed")
    assert "booked" not in english.split()
    assert translate("illegal_move", "en", id=7, from_state="-", to_state="booked").count("-") == 1


@pytest.mark.parametrize(
    "path",
    sorted([*SOURCE.rglob("*.html"), *SOURCE.rglob("*.py")]),
    ids=lambda path: str(path.relative_to(SOURCE)),
)
def test_every_label_used_is_in_the_catalogue(path: Path) -> None:
    keys = set(LABEL_USE.findall(path.read_text(encoding="utf-8")))
    missing = sorted(key for key in keys if (key, None) not in catalogue("vi"))
    assert missing == []
