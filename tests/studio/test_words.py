"""Search and ids in any script: what the studio's filters find and the ids it spells.

The data pages' search and ``GET /api/reports/<report>/quotes?q=`` compare words as a reader
types them: without Arabic vowel marks, with ordinary letters for full-width ones, in any
case; new briefs and records get ASCII ids spelled from names in Arabic or Chinese.
"""

from __future__ import annotations

import shutil
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from running import Studio, studio

from briefpress.studio.recipientlists import uploaded_name
from briefpress.studio.words import fold, found, slug

CLINICS = Path(__file__).parents[1] / "fixtures" / "clinics"


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("الصيدلي", "قال لنا الصَّيْدَلِيُّ إن الدواء"),  # vowel marks are optional
        ("أسبوع", "تزور القرية كل اسبوع"),  # alif with or without hamza
        ("القرية", "في القريه"),  # ta marbuta typed as ha
        ("hiv", "这里没有ＨＩＶ检测"),  # full-width Latin letters
        ("检测 县城", "最近的检测点在县城"),  # every word, anywhere in the text
        ("ÉTAT", "l'état de santé"),  # case and accents
        ("niñez", "NIÑEZ Y FAMILIA"),  # composed or decomposed, any case
        ("straße", "STRASSE"),  # full case folding
        ("दिल्ली", "नई दिल्ली में"),  # Devanagari as it is typed
    ],
)
def test_a_search_finds_words_as_people_type_them(query: str, text: str) -> None:
    assert found(query, text)


def test_a_search_still_tells_words_apart() -> None:
    assert not found("عيادة", "قال لنا الصيدلي")
    assert not found("检测 诊所", "最近的检测点在县城")  # one word missing
    assert not found("दिली", "नई दिल्ली")  # a Hindi vowel sign is a letter, not a mark
    assert fold("  Ｈｅｌｌｏ\u00a0 Wörld ") == "hello world"


def test_ids_are_spelled_from_any_script() -> None:
    assert slug("وادي النخيل") == "wdy-lnkhyl"
    assert slug("青石镇：检测点太远") == "qingshizhen-jiancediantaiyuan"
    assert slug("Niñez y familia") == "ninez-y-familia"
    assert slug("!!!") == ""
    assert len(slug("长" * 100, 40)) <= 40


@pytest.fixture
def clinics(tmp_path: Path) -> Iterator[Studio]:
    target = tmp_path / "clinics"
    shutil.copytree(CLINICS, target)
    with studio(target) as running:
        yield running


def test_the_quotes_api_filters_arabic_and_chinese_text(clinics: Studio) -> None:
    def ids(report: str, query: str) -> list[str]:
        path = f"/api/reports/{report}/quotes?q={urllib.parse.quote(query)}"
        return [q["id"] for q in clinics.get(path).json["items"]]

    assert ids("clinics-ar", "الصيدلي") == ["a1"]  # the quote has its vowel marks
    assert ids("clinics-ar", "عيادة") == ["a2", "a3"]
    assert ids("clinics-zh", "HIV") == ["c1"]  # the quote has full-width letters
    assert ids("clinics-zh", "诊所") == ["c2"]


def test_a_brief_titled_in_arabic_gets_an_ascii_id(clinics: Studio, tmp_path: Path) -> None:
    spec = {"report": "clinics-ar", "kind": "country", "place": "ain-safa", "language": "ar"}
    answer = clinics.write("POST", "/api/briefs", {**spec, "title": "عين الصفا: الطريق طويل"})
    assert answer.status == 201, answer.body
    assert answer.json["id"] == "yn-lsf-ltryq-twyl"
    written = tmp_path / "clinics/briefs/yn-lsf-ltryq-twyl.yaml"
    assert 'title: "عين الصفا: الطريق طويل"' in written.read_text(encoding="utf-8")


def upload(running: Studio, name: str, data: bytes) -> int:
    """A recipients file sent as the page's upload sends it (its name in UTF-8)."""
    boundary = uuid.uuid4().hex
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: text/csv\r\n\r\n".encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(running.url + "/api/recipients", data=body, method="POST")
    request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    request.add_header("X-CSRF-Token", running.token)
    with urllib.request.urlopen(request, timeout=60) as response:
        return int(response.status)


@pytest.mark.parametrize(
    ("name", "saved"),
    [
        ("قائمة اللجنة.csv", "qi-mh-lljnh.csv"),
        ("名单.csv", "mingdan.csv"),
        ("Liste élus.csv", "liste-elus.csv"),
        ("council list.csv", "council list.csv"),  # a plain name is kept as it is
    ],
)
def test_a_recipients_file_named_in_any_script_is_kept(
    clinics: Studio, tmp_path: Path, name: str, saved: str
) -> None:
    rows = "name,email,language\nسلمى الخطيب (SAMPLE),salma@example.org,ar\n"
    assert upload(clinics, name, rows.encode()) in (200, 201)
    assert (tmp_path / "clinics/briefs/recipients" / saved).read_text(encoding="utf-8") == rows
    assert uploaded_name("C:\\Users\\me\\" + name) == saved  # an old browser's whole path


def test_a_theme_named_in_chinese_gets_an_ascii_id(clinics: Studio, tmp_path: Path) -> None:
    answer = clinics.write("POST", "/api/reports/clinics-zh/themes", {"name": "交通"})
    assert answer.status == 201, answer.body
    assert answer.json["id"] == "jiaotong"
    themes = (tmp_path / "clinics/reports/clinics-zh/themes.yaml").read_text(encoding="utf-8")
    assert "jiaotong" in themes and "交通" in themes
