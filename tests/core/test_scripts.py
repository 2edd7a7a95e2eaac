"""Scripts: a language's script and direction, and the font stacks that print it."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefpress.core.fonts import system_coverage
from briefpress.core.scripts import (
    SCRIPT_FONTS,
    ZWSP,
    break_opportunities,
    direction,
    font_stacks,
    script_of,
)
from conftest import run_cli


@pytest.mark.parametrize(
    ("tag", "script", "way"),
    [("ar", "arab", "rtl"), ("fa", "arab", "rtl"), ("ur", "arab", "rtl"), ("he", "hebr", "rtl"),
     ("ps", "arab", "rtl"), ("hi", "deva", "ltr"), ("th", "thai", "ltr"), ("ja", "jpan", "ltr"),
     ("zh-TW", "hant", "ltr"), ("zh", "hans", "ltr"), ("sr-Latn", "latn", "ltr"),
     ("en", "latn", "ltr"), ("xx", "latn", "ltr")],
)  # fmt: skip
def test_script_and_direction_come_from_cldr(tag: str, script: str, way: str) -> None:
    assert script_of(tag) == script
    assert direction(tag) == way


def test_a_stack_puts_the_brand_then_the_briefs_own_script_first() -> None:
    stacks = font_stacks("Brand Sans", "Brand Serif", {"arab": "Amiri", "deva": "Mukta"}, "ar")
    assert stacks.body[:3] == ("Brand Sans", "Amiri", "Noto Sans Arabic")
    assert stacks.heading[:3] == ("Brand Serif", "Amiri", "Noto Naskh Arabic")
    assert stacks.body.index("Mukta") < stacks.body.index("Noto Sans Devanagari")
    # Han characters take the shapes of the brief's language: one CJK family a stack.
    assert "Noto Sans CJK SC" in stacks.body and "Noto Sans CJK JP" not in stacks.body
    japanese = font_stacks("Noto Sans", "Noto Serif", {}, "ja")
    assert japanese.body[1] == "Noto Sans CJK JP" and "Noto Sans CJK SC" not in japanese.body


def test_the_noto_fallbacks_are_installed() -> None:
    """scripts/system_deps.py build installs them; without them a brief in these scripts
    fails its glyph check."""
    missing = [family for pair in SCRIPT_FONTS.values() for family in pair
               if system_coverage(family) is None]  # fmt: skip
    assert not missing, f"run python scripts/system_deps.py build: {missing}"


def replace(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_brand_fonts_are_checked_by_script_code(cities: Path) -> None:
    fonts = '  fonts: {arab: "Noto Kufi Arabic", arabic: "Noto Sans Arabic", deva: "No Such Font"}'
    replace(cities, "briefpress.yaml", "  colours:", f"{fonts}\n  colours:")
    result = run_cli(["-C", str(cities), "check"])
    assert result.code == 1
    assert "fonts: 'arabic' is not a script code" in result.output
    assert "fonts: deva: font 'No Such Font' is not installed" in result.output
    assert "Kufi" not in result.output


def marked(text: str) -> str:
    return break_opportunities(text).replace(ZWSP, "|")


def test_lao_burmese_and_khmer_break_between_words() -> None:
    """ICU's dictionaries (PyICU) find the words: "share | what | that | participants"."""
    pytest.importorskip("icu")
    assert marked("ចែករំលែកអ្វីដែលអ្នកចូលរួម") == "ចែករំលែក|អ្វី|ដែល|អ្នកចូលរួម"
    assert marked("မြို့သုံးမြို့မှပါဝင်သူများ") == "မြို့|သုံး|မြို့|မှ|ပါဝင်|သူများ"
    # A Lao word of several syllables stays whole: ປະຕິເສດ (refuse), ອາຫານ (food).
    assert marked("ຮ້ານຂາຍຢາຫຼາຍແຫ່ງຍັງປະຕິເສດການຂາຍນາລອກໂຊນ") == (
        "ຮ້ານ|ຂາຍ|ຢາ|ຫຼາຍ|ແຫ່ງ|ຍັງ|ປະຕິເສດ|ການຂາຍ|ນາ|ລອກ|ໂຊນ"
    )
    assert marked("<p lang='lo'>ກິນອາຫານ ໜ້າທີ່</p>") == "<p lang='lo'>ກິນ|ອາຫານ ໜ້າທີ່</p>"


def test_without_icu_they_break_between_syllables(monkeypatch: pytest.MonkeyPatch) -> None:
    from briefpress.core import scripts

    monkeypatch.setattr(scripts, "_icu", lambda: None)
    assert marked("ចែករំលែកអ្វីដែលអ្នកចូលរួម") == "ចែក|រំ|លែក|អ្វី|ដែល|អ្នក|ចូល|រួម"
    assert marked("မြို့သုံးမြို့မှပါဝင်သူများ") == "မြို့|သုံး|မြို့|မှ|ပါ|ဝင်|သူ|များ"
    # Lao: before preposed vowels, open syllables' next consonant, after closed syllables.
    assert marked("ຮ້ານຂາຍຢາຫຼາຍແຫ່ງຍັງປະຕິເສດການຂາຍນາລອກໂຊນ") == (
        "ຮ້ານ|ຂາຍ|ຢາ|ຫຼາຍ|ແຫ່ງ|ຍັງ|ປະ|ຕິ|ເສດ|ການ|ຂາຍ|ນາ|ລອກ|ໂຊນ"
    )
    assert marked("ຜູ້ເຂົ້າຮ່ວມໃນສາມເມືອງໄດ້ບອກພວກເຮົາ") == ("ຜູ້|ເຂົ້າ|ຮ່ວມ|ໃນ|ສາມ|ເມືອງ|ໄດ້|ບອກ|ພວກ|ເຮົາ")
    assert marked("ກິນອາຫານ ຄິດວ່າ ມີຄວາມ ດີກວ່າ ໜ້າທີ່") == "ກິນ|ອາ|ຫານ ຄິດ|ວ່າ ມີຄວາມ ດີກວ່າ ໜ້າ|ທີ່"


def test_korean_keeps_its_words_and_other_text_is_left_alone() -> None:
    # Korean breaks between words only: a word joiner holds each word's syllables together.
    assert break_opportunities("생명을 구합니다") == "생\u2060명\u2060을 구\u2060합\u2060니\u2060다"
    assert break_opportunities("<p class='x'>Thai ไทย, English</p>") == (
        "<p class='x'>Thai ไทย, English</p>"
    )


def test_quotation_marks_follow_the_language() -> None:
    from briefpress.core.i18n import Language

    assert Language("ja").quote("命") == "「命」"
    assert Language("zh-TW").quote("命") == "「命」" and Language("zh").quote("命") == "“命”"
    assert Language("fa").quote("جان") == "«جان»"
    assert Language("ar").quote("حياة") == "”حياة“"  # CLDR's logical order for Arabic
