"""The shipped HS headings and the search the booking form uses."""

import pytest

from cuakhau.reference.hs_codes import (
    fold,
    heading_for,
    hs_chapters,
    hs_list,
    hs_name,
    search_headings,
)


def codes(query: str) -> list[str]:
    return [heading.code for heading in search_headings(query)]


def test_the_list_says_it_is_a_subset_of_the_wco_nomenclature() -> None:
    listing = hs_list()
    assert "WCO HS 2022" in listing.source
    assert "subset" in listing.source
    assert 50 < len(listing.headings) < 1228  # HS 2022 has 1,228 headings
    assert all(heading.vi and heading.en for heading in listing.headings)


@pytest.mark.parametrize(
    "query", ["sầu riêng", "Sầu Riêng", "sau rieng", "durian", "vải", "lychee", "thanh long"]
)
def test_fruit_names_in_either_language_find_other_fresh_fruit(query: str) -> None:
    assert codes(query)[0] == "0810"


def test_digits_find_the_heading_of_a_code_or_the_headings_under_a_prefix() -> None:
    assert codes("0810") == ["0810"]
    assert codes("0810.90") == ["0810"]
    assert codes("08109010") == ["0810"]
    assert codes("080") == ["0801", "0802", "0803", "0804", "0805", "0806", "0807", "0808", "0809"]
    assert codes("9999") == []


def test_the_query_as_typed_comes_before_matches_without_its_diacritics() -> None:
    # "sắn" is cassava; folded to "san" it also begins "sản" (products) and "sang".
    found = codes("sắn")
    assert found[:2] == ["0714", "1106"]
    assert len(found) > 4


def test_every_word_must_begin_a_word_of_the_heading() -> None:
    assert codes("dragon fruit") == ["0810"]
    assert codes("dragon steel") == []
    # "hồng" (persimmon) is not the end of "không".
    assert codes("hồng") == ["0810"]
    assert codes("   ") == []


def test_fresh_fruit_and_vegetables_are_perishable_frozen_and_dried_are_not() -> None:
    perishable = {h.code for h in hs_list().headings if h.perishable}
    assert {"0702", "0709", "0803", "0804", "0810"} <= perishable
    assert not perishable & {"0303", "0710", "0811", "0813", "1006", "4001"}


def test_a_full_code_falls_under_its_heading() -> None:
    heading = heading_for("08106000")
    assert heading is not None
    assert heading.code == "0810"
    assert heading.perishable
    assert heading_for("99999999") is None


def test_fold_keeps_letters_and_drops_marks() -> None:
    assert fold("Đồng Đăng") == "dong dang"
    assert fold("Vải thiều") == "vai thieu"


def test_every_chapter_is_named_in_both_languages() -> None:
    chapters = hs_chapters()
    assert "WCO HS 2022" in chapters.source
    assert [chapter.code for chapter in chapters.chapters][::24] == ["01", "25", "49", "73", "97"]
    assert hs_name("08", "vi") == (
        "Quả và quả hạch (nuts) ăn được; vỏ quả thuộc họ cam quýt hoặc các loại dưa"
    )
    assert hs_name("40", "en") == "Rubber and articles thereof"
    assert hs_name("44", "vi") == "Gỗ và các mặt hàng bằng gỗ; than từ gỗ"
    # A heading is named from the headings' list; one it lacks has no name.
    assert hs_name("0810", "en") == "Other fruit, fresh"
    assert hs_name("0105", "en") is None
