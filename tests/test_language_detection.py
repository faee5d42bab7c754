"""language "auto": detection with py3langid, its confidence, the fallback and the refusal."""

from __future__ import annotations

import json

import pytest
from fixtures import cli_in_process

from summarizers import UnsupportedLanguage, summarize
from summarizers.cli.main import main
from summarizers.text.language import detect_language, resolve_language_name

ARTICLES = {
    "english": "The government announced on Monday that it would raise the minimum wage next year. Unions "
               "welcomed the decision, but business groups warned that small firms would struggle to pay.",
    "german": "Die Bundesregierung hat am Montag angekündigt, den Mindestlohn im nächsten Jahr zu erhöhen. "
              "Die Gewerkschaften begrüßten die Entscheidung, die Arbeitgeber warnten vor den Kosten.",
    "french": "Le gouvernement a annoncé lundi qu'il augmenterait le salaire minimum l'année prochaine. Les "
              "syndicats ont salué la décision, mais le patronat a mis en garde contre son coût.",
    "spanish": "El Gobierno anunció el lunes que subirá el salario mínimo el próximo año. Los sindicatos "
               "celebraron la decisión, pero las patronales advirtieron de que las pequeñas empresas sufrirán.",
    "italian": "Il governo ha annunciato lunedì che aumenterà il salario minimo il prossimo anno. I sindacati "
               "hanno accolto con favore la decisione, ma le imprese hanno avvertito dei costi.",
}
JAPANESE = ("政府は月曜日、来年から最低賃金を引き上げると発表した。"
            "労働組合はこの決定を歓迎したが、経済界は中小企業の負担を懸念している。")


@pytest.mark.parametrize(("language", "text"), ARTICLES.items())
def test_the_language_is_detected(language: str, text: str) -> None:
    result = summarize(text, language="auto", length={"sentences": 1})
    assert result.input.language == language
    assert result.input.language_confidence is not None and result.input.language_confidence > 0.9
    assert result.to_dict()["input"]["language_confidence"] == result.input.language_confidence
    assert not result.warnings


def test_an_unsupported_language_is_refused_naming_the_supported_ones() -> None:
    with pytest.raises(UnsupportedLanguage) as info:
        summarize(JAPANESE, language="auto")
    assert "'ja'" in info.value.message and "english" in info.value.message
    assert info.value.details["detected"] == "ja" and "german" in info.value.details["supported"]
    assert info.value.field == "language"


def test_short_or_mixed_text_falls_back_with_a_warning() -> None:
    short = detect_language("Bonjour à tous.")
    assert short.name == "english" and short.confidence is None and "too short" in (short.warning or "")
    mixed = ("Hello there my friend. Der Bundestag hat heute beschlossen. Le gouvernement a dit non. "
             "Il governo ha detto sì.")
    detection = detect_language(mixed)
    if detection.warning is None:  # the detector was sure after all: then it must be a supported name
        assert detection.name in ("english", "german", "french", "italian")
    else:
        assert detection.name == "english" and "mixed" in detection.warning
    result = summarize("Markets rose. Bonds fell.", language="auto")
    assert result.input.language == "english" and any("too short" in w for w in result.warnings)


def test_auto_is_accepted_by_requests_only() -> None:
    assert resolve_language_name("auto", allow_auto=True) == "auto"
    with pytest.raises(UnsupportedLanguage, match='or "auto"'):
        resolve_language_name("klingon", allow_auto=True)
    with pytest.raises(UnsupportedLanguage):
        resolve_language_name("auto")


def test_cli_language_auto(tmp_path) -> None:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLES["german"], encoding="utf-8")
    out = cli_in_process("text", str(path), "--language", "auto", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["input"]["language"] == "german" and data["input"]["language_confidence"] > 0.9


def test_cli_refuses_an_unsupported_language(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "article.txt"
    path.write_text(JAPANESE, encoding="utf-8")
    assert main(["text", str(path), "--language", "auto"]) == 1
    err = capsys.readouterr().err
    assert "not supported" in err and "english" in err and "Traceback" not in err


def test_service_language_auto() -> None:
    pytest.importorskip("flask")
    from summarizers import Registry
    from summarizers.methods.lead import LeadMethod
    from summarizers_service.app import create_app

    client = create_app({"preload": []}, registry=Registry([LeadMethod()])).test_client()
    response = client.post("/v1/summarize", json={"text": ARTICLES["spanish"], "language": "auto", "method": "lead"})
    assert response.status_code == 200
    assert response.get_json()["input"]["language"] == "spanish"
    assert response.get_json()["input"]["language_confidence"] > 0.9
    response = client.post("/v1/summarize", json={"text": JAPANESE, "language": "auto", "method": "lead"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "unsupported_language" and "english" in error["message"]
    assert error["details"]["field"] == "language" and error["details"]["detected"] == "ja"
