"""Guards: missing, directory, empty, too large, binary, encodings, truncated UTF-8."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from narrascope.errors import Codes, InputError
from narrascope.ingest.guards import decode_bytes, looks_binary, plausibility, read_input_bytes

FALLBACK = ["cp1251", "cp1252", "latin-1"]
RUSSIAN = (
    "Заявление МИД России\r\n\r\nМосква, 19 декабря. Министерство иностранных дел заявило, "
    "что переговоры продолжатся в январе.\r\n"
)
FRENCH = (
    "Réforme des retraites\n\nLe gouvernement français a annoncé mercredi une réforme très attendue "
    "à Paris, où élèves et enseignants manifestaient déjà.\n"
)


def _err(exc_info: pytest.ExceptionInfo[InputError]) -> InputError:
    return exc_info.value


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InputError) as ei:
        read_input_bytes(tmp_path / "nope.txt", max_bytes=1000)
    assert ei.value.code == Codes.MISSING_PATH and ei.value.source.endswith("nope.txt")


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as ei:
        read_input_bytes(tmp_path, max_bytes=1000)
    assert ei.value.code == Codes.MISSING_PATH and "directory" in ei.value.message


@pytest.mark.parametrize("content", [b"", b"   \n\r\n\t ", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n"])
def test_empty_or_whitespace(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as ei:
        read_input_bytes(path, max_bytes=1000)
    assert ei.value.code == Codes.EMPTY_INPUT and ei.value.source == str(path)


def test_fifty_megabytes_refused_by_size_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:  # sparse: 50 MB of NUL bytes; reading it would say "binary" (N003)
        fh.truncate(50_000_000)
    t0 = time.perf_counter()
    with pytest.raises(InputError) as ei:
        read_input_bytes(path, max_bytes=20_000_000)
    assert time.perf_counter() - t0 < 1.0
    assert ei.value.code == Codes.TOO_LARGE
    assert "50,000,000" in ei.value.message and "20,000,000" in ei.value.message


@pytest.mark.parametrize(
    "data,kind",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "ZIP"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8, "ELF"),
        (b"Hello\x00world, this has a NUL byte", "NUL"),
        (bytes(range(1, 32)) * 20 + b"some text", "control"),
    ],
)
def test_binary_files(tmp_path: Path, data: bytes, kind: str) -> None:
    path = tmp_path / "file.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as ei:
        read_input_bytes(path, max_bytes=10_000)
    assert ei.value.code == Codes.BINARY_INPUT
    assert kind in ei.value.message


def test_text_with_a_few_controls_is_not_binary() -> None:
    assert looks_binary("Title\f\n\nBody with an odd \x1b[0m escape and tabs\t.\n".encode() * 20) is None


def test_utf8_keeps_cr_and_drops_bom() -> None:
    data = "\ufeffTitle\r\n\r\nBody “quoted” — ok\r\n".encode()
    text = decode_bytes(data, source="x.txt", fallback_encodings=FALLBACK)
    assert text == "Title\r\n\r\nBody “quoted” — ok\r\n"


def test_cp1251_russian_decodes_to_cyrillic() -> None:
    text = decode_bytes(RUSSIAN.encode("cp1251"), source="ru.txt", fallback_encodings=FALLBACK)
    assert text == RUSSIAN


def test_latin1_french_decodes_to_accented_latin() -> None:
    text = decode_bytes(FRENCH.encode("latin-1"), source="fr.txt", fallback_encodings=FALLBACK)
    assert text == FRENCH


def test_short_latin1_word_is_not_read_as_cyrillic() -> None:
    assert decode_bytes("café crème".encode("latin-1"), source="s", fallback_encodings=FALLBACK) == "café crème"


def test_cp1252_quotes_and_euro() -> None:
    src = "Prix « réduit » — 5 € seulement"
    assert decode_bytes(src.encode("cp1252"), source="s", fallback_encodings=FALLBACK) == src


def test_utf16_with_bom() -> None:
    data = "Заголовок\n\nТекст".encode("utf-16")
    assert decode_bytes(data, source="s", fallback_encodings=FALLBACK) == "Заголовок\n\nТекст"


@pytest.mark.parametrize("cut", [1, 2, 3])
def test_truncated_utf8_names_the_offset(cut: int) -> None:
    good = "Title\n\nA body ending with an emoji ".encode()
    data = good + "😀".encode()[:cut]
    with pytest.raises(InputError) as ei:
        decode_bytes(data, source="t.txt", fallback_encodings=FALLBACK)
    assert ei.value.code == Codes.TRUNCATED
    assert f"byte offset {len(good)}" in ei.value.message and ei.value.source == "t.txt"


def test_invalid_utf8_in_the_middle_is_not_truncation() -> None:
    data = "Москва".encode() + b"\xff" + "тест".encode()
    with pytest.raises(InputError) as ei:
        decode_bytes(data, source="m.txt", fallback_encodings=FALLBACK)
    assert ei.value.code == Codes.UNDECODABLE


@pytest.mark.parametrize(
    "text,encoding",
    [
        ("中华人民共和国外交部发言人表示，俄罗斯和乌克兰的冲突应当通过谈判解决。" * 3, "gbk"),
        ("日本政府は水曜日、新しい政策を発表しました。これは重要な変更です。" * 3, "shift_jis"),
        ("Ελληνικά κείμενο για τη δοκιμή της κωδικοποίησης. " * 4, "cp1253"),
    ],
)
def test_nothing_plausible_is_undecodable(text: str, encoding: str) -> None:
    with pytest.raises(InputError) as ei:
        decode_bytes(text.encode(encoding), source="x.txt", fallback_encodings=FALLBACK)
    assert ei.value.code == Codes.UNDECODABLE
    assert "fallback" in ei.value.message and ei.value.source == "x.txt"


def test_no_fallbacks_configured() -> None:
    with pytest.raises(InputError) as ei:
        decode_bytes(FRENCH.encode("latin-1"), source="fr.txt", fallback_encodings=[])
    assert ei.value.code == Codes.UNDECODABLE


def test_plausibility_scores() -> None:
    assert plausibility(RUSSIAN) == pytest.approx(1.0)
    assert plausibility(RUSSIAN.encode("cp1251").decode("cp1252")) < 0.2
    assert plausibility(FRENCH.encode("latin-1").decode("cp1251")) < 0.9
