"""The ``summarize`` command's one exit-status table: each status, reached in-process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from summarizers.cli import batch as batch_cli
from summarizers.cli import text as text_cli
from summarizers.cli.main import build_parser, main
from summarizers.cli.status import EPILOG, ExitStatus, UsageError, exit_status
from summarizers.engine.errors import EngineError, WorkerFailed
from summarizers.engine.ray import EngineUnavailable
from summarizers.errors import (
    InvalidInput,
    MethodUnavailable,
    ModelMissing,
    StoreUnavailable,
    SummaryTimeout,
    UnknownMethod,
)

README = Path(__file__).resolve().parents[1] / "README.md"
ARTICLE = "The council met on Monday. It approved the budget. Taxes will rise next year. Residents object.\n"


@pytest.mark.parametrize(("exc", "status"), [
    (InvalidInput("x"), 1), (UnknownMethod("x"), 1), (SummaryTimeout("x"), 1), (EngineError("x"), 1),
    (StoreUnavailable("locked", "x"), 1), (FileNotFoundError(2, "No such file", "f"), 1),
    (UsageError("x"), 2),
    (MethodUnavailable("x", reason="r"), 3), (ModelMissing("x", reason="r"), 3),
    (EngineUnavailable("x", reason="r"), 3),
    (RuntimeError("bug"), 4),
    (WorkerFailed("x"), 5),
    (KeyboardInterrupt(), 130),
])
def test_each_exception_has_one_status(exc: BaseException, status: int) -> None:
    assert exit_status(exc) == status


def test_the_table_is_in_the_help_and_the_readme() -> None:
    assert EPILOG in build_parser().format_help()
    readme = README.read_text(encoding="utf-8")
    for status in ExitStatus:
        assert f"| {int(status)} |" in readme, f"exit status {int(status)} is not in the README's table"


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_0_done(article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["text", str(article), "--method", "lead", "-n", "1"]) == 0
    assert capsys.readouterr().out == "The council met on Monday.\n"


def test_1_a_refused_request_or_file(article: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["text", str(article), "--method", "nope", "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("summarize: error: ") and captured.err.count("\n") == 1
    assert json.loads(captured.out)["error"]["code"] == "unknown_method"
    assert main(["text", str(tmp_path / "missing.txt")]) == 1
    assert "No such file" in capsys.readouterr().err


def test_1_some_records_refused(tmp_path: Path) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps({"id": "ok", "text": ARTICLE}) + "\n" + json.dumps({"id": "bad", "text": " "}) + "\n",
                   encoding="utf-8")
    assert main(["batch", str(src), "--out", str(out), "--method", "lead", "-j", "1", "--progress", "off"]) == 1
    lines = {json.loads(line)["id"]: json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()}
    assert "result" in lines["ok"] and lines["bad"]["error"]["code"] == "invalid_input"


@pytest.mark.parametrize("args", [
    ["text", "{article}", "--option", "no-equals-sign"],
    ["text"],  # neither FILE nor --url
    ["check", "-", "--source", "-"],
    ["batch", "{article}", "--out", "{article}"],
    ["batch", "{article}", "--out", "x.jsonl", "--document-timeout", "0"],
    ["digest", "{article}", "--jobs", "0"],
    ["worker", "--jobs", "0"],
])
def test_2_a_bad_command_line(args: list[str], article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([a.format(article=article) for a in args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("summarize: error: ") and err.count("\n") == 1


def test_2_a_command_line_argparse_refuses() -> None:
    with pytest.raises(SystemExit) as info:
        main(["text", "-", "--sentences", "2", "--words", "3"])
    assert info.value.code == 2


def _raising(exc: BaseException) -> Any:
    def run(*_: Any, **__: Any) -> Any:
        raise exc
    return run


def test_3_unavailable(article: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(text_cli, "summarize_input", _raising(
        MethodUnavailable("method 'x' needs torch", reason="torch is not installed", fix="pip install x")))
    assert main(["text", str(article)]) == 3
    assert "needs torch" in capsys.readouterr().err


def test_4_internal_error(article: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(text_cli, "summarize_input", _raising(RuntimeError("a bug")))
    assert main(["text", str(article)]) == 4
    err = capsys.readouterr().err
    assert err.startswith("summarize: internal error: RuntimeError: a bug") and "Traceback" not in err
    with pytest.raises(RuntimeError):
        main(["--debug", "text", str(article)])


def test_5_a_worker_died(article: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(batch_cli, "run_batch", _raising(WorkerFailed("a worker process died; rerun to finish")))
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": 1, "text": ARTICLE}) + "\n", encoding="utf-8")
    assert main(["batch", str(src), "--out", str(tmp_path / "out.jsonl"), "--progress", "off"]) == 5
    assert capsys.readouterr().err == "summarize: error: a worker process died; rerun to finish\n"


def test_130_interrupted(article: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(text_cli, "summarize_input", _raising(KeyboardInterrupt()))
    assert main(["text", str(article)]) == 130
    assert capsys.readouterr().err == "summarize: interrupted\n"
