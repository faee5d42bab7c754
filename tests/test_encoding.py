"""HTML bytes in any declared encoding; plain text stays strict UTF-8."""

from __future__ import annotations

import codecs

import pytest

from summarizers import InvalidInput, summarize
from summarizers.cli.main import main
from summarizers.text.encoding import charset_from_content_type, codec_name, decode_html

PARAGRAPHS = [
    "Le café coûte plus cher cette année, selon les producteurs du Brésil et du Viêt Nam.",
    "Les prix à l'exportation ont augmenté de vingt pour cent en un an, d'après l'Organisation.",
    "Les torréfacteurs européens répercutent déjà la hausse sur les consommateurs français.",
]


def page(head: str = "", paragraphs: list[str] = PARAGRAPHS) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head>{head}<title>Le prix du café</title></head><body>"
            f"<nav><a href='/'>Accueil</a> | <a href='/eco'>Économie</a></nav>"
            f"<article><h1>Le prix du café s'envole</h1>{body}</article>"
            f"<footer>© 2024 Exemple Média. Tous droits réservés.</footer></body></html>")


@pytest.mark.parametrize(
    ("head", "encoding", "expected"),
    [
        ('<meta charset="iso-8859-1">', "latin-1", "cp1252"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">', "cp1252", "cp1252"),
        ("<meta charset='utf-8'>", "utf-8", "utf-8"),
        ("", "utf-8", "utf-8"),
    ],
)
def test_declared_encodings(head: str, encoding: str, expected: str) -> None:
    data = page(head).encode(encoding)
    text, used = decode_html(data)
    assert used == expected and PARAGRAPHS[0] in text


def test_byte_order_marks() -> None:
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF8, "utf-8")):
        text, _ = decode_html(bom + page().encode(codec))
        assert PARAGRAPHS[1] in text


def test_undeclared_legacy_bytes_are_detected() -> None:
    text, used = decode_html(page().encode("cp1252"))  # no declaration and not UTF-8
    assert PARAGRAPHS[2] in text and used in ("cp1252", "iso8859_1", "latin_1", "iso8859-1", "cp1250")


def test_the_server_charset_comes_before_the_meta() -> None:
    data = page('<meta charset="utf-8">').encode("cp1252")
    assert charset_from_content_type("text/html; charset=ISO-8859-1") == "ISO-8859-1"
    text, used = decode_html(data, "ISO-8859-1")
    assert used == "cp1252" and PARAGRAPHS[0] in text
    assert codec_name("utf-16") == "utf-8" and codec_name("no-such-charset") is None


def test_summarize_html_bytes_reports_the_encoding() -> None:
    result = summarize(html=page('<meta charset="iso-8859-1">').encode("latin-1"), language="french",
                       length={"sentences": 2})
    assert result.input.source == "html"
    assert result.to_dict()["input"]["encoding"] == "cp1252"
    assert all(s.text in PARAGRAPHS for s in result.sentences)
    assert "Accueil" not in result.summary and "droits" not in result.summary


def test_plain_text_stays_strict_utf8() -> None:
    with pytest.raises(InvalidInput, match="not valid UTF-8"):
        summarize(PARAGRAPHS[0].encode("latin-1"))


def test_cli_html_in_a_legacy_encoding(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(page('<meta charset="windows-1252">').encode("cp1252"))
    assert main(["text", str(path), "--html", "--language", "auto", "-n", "1"]) == 0
    assert capsys.readouterr().out.strip() in PARAGRAPHS
