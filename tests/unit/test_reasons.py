"""The system's own move reasons, said in the reader's language; a person's words as
typed; and the words written before reasons had codes, coded by migration 0006."""

import importlib
from typing import Any

import pytest

from cuakhau.crossings.reasons import INSPECTION, QUARANTINE, Reason, said, say_grounds

CASES: list[tuple[str, Reason, str, str]] = [
    ("booked", Reason("booked"), "đặt lịch", "booked"),
    ("did not arrive", Reason("no_show"), "xe không đến", "did not arrive"),
    (
        "called to gate HN-01",
        Reason("called", {"gate": "HN-01"}),
        "gọi vào cửa khẩu HN-01",
        "called to gate HN-01",
    ),
    (
        "plate read cam-7/001 (yard_in)",
        Reason("plate_read", {"read": "cam-7/001", "point": "yard_in"}),
        "camera đọc biển số cam-7/001 (cổng vào bãi)",
        "plate read cam-7/001 (yard entrance)",
    ),
    (
        "declaration 30551/XK, red channel",
        Reason("declared", {"number": "30551/XK", "channel": "red"}),
        "tờ khai 30551/XK, Luồng đỏ",
        "declaration 30551/XK, Red channel",
    ),
    (
        "by hand: camera 3 down",
        Reason("by_hand", {"reason": "camera 3 down"}),
        "ghi nhận thủ công: camera 3 down",
        "recorded by hand: camera 3 down",
    ),
    (
        "red channel: physical inspection; quarantine",
        Reason("held", {"grounds": [INSPECTION, QUARANTINE]}),
        "tạm giữ: luồng đỏ: kiểm tra thực tế hàng hóa; kiểm dịch",
        "held: red channel: physical inspection; quarantine",
    ),
]


@pytest.mark.parametrize(("_old", "reason", "vietnamese", "english"), CASES)
def test_reasons_are_said_in_each_language(
    _old: str, reason: Reason, vietnamese: str, english: str
) -> None:
    assert reason.say("vi") == vietnamese
    assert reason.say("en") == english
    stored = said(english, reason.code, dict(reason.params), "vi")
    assert stored == vietnamese


def test_a_persons_words_are_kept_as_typed() -> None:
    assert said("xe hỏng, chờ cứu hộ", None, None, "en") == "xe hỏng, chờ cứu hộ"
    assert said(None, None, None, "vi") == "—"


def test_a_holds_grounds_are_said_in_each_language() -> None:
    assert say_grounds([INSPECTION, QUARANTINE], "vi") == (
        "luồng đỏ: kiểm tra thực tế hàng hóa; kiểm dịch"
    )
    assert say_grounds([QUARANTINE], "en") == "quarantine"


@pytest.mark.parametrize(("old", "reason", "_vi", "_en"), CASES)
def test_the_migration_codes_the_words_written_before(
    old: str, reason: Reason, _vi: str, _en: str
) -> None:
    migration: Any = importlib.import_module("cuakhau.migrations.versions.0006_reason_codes")
    assert migration.coded(old) == (reason.code, dict(reason.params))
    assert migration.coded("xe hỏng, chờ cứu hộ") is None
