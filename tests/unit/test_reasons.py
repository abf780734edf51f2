"""The system's own move reasons, said in the reader's language; a person's words as typed."""

import pytest

from cuakhau.web.i18n import format_reason


@pytest.mark.parametrize(
    ("reason", "vietnamese", "english"),
    [
        ("booked", "đặt lịch", "booked"),
        ("did not arrive", "xe không đến", "did not arrive"),
        ("called to gate HN-01", "gọi vào cửa khẩu HN-01", "called to gate HN-01"),
        (
            "plate read cam-7/001 (yard_in)",
            "camera đọc biển số cam-7/001 (yard_in)",
            "plate read cam-7/001 (yard_in)",
        ),
        (
            "declaration 30551/XK, red channel",
            "tờ khai 30551/XK, Luồng đỏ",
            "declaration 30551/XK, Red channel",
        ),
        (
            "by hand: camera 3 down",
            "ghi nhận thủ công: camera 3 down",
            "recorded by hand: camera 3 down",
        ),
        ("xe hỏng, chờ cứu hộ", "xe hỏng, chờ cứu hộ", "xe hỏng, chờ cứu hộ"),
        (
            "red channel: physical inspection; quarantine",
            "luồng đỏ: kiểm tra thực tế hàng hóa; kiểm dịch",
            "red channel: physical inspection; quarantine",
        ),
        (None, "—", "—"),
    ],
)
def test_reasons_read_in_each_language(reason: str | None, vietnamese: str, english: str) -> None:
    assert format_reason(reason, "vi") == vietnamese
    assert format_reason(reason, "en") == english
