"""The ``summarize`` command: run in this process (``main(argv)`` with its own standard streams),
and as a real subprocess where the process is what is tested (entry point, exit status)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from fixtures import cli, cli_in_process

from summarizers.cli.main import build_parser

EXTRACTIVE = ["newsrank", "lead", "lsa", "lexrank", "textrank", "luhn", "kl", "sumbasic", "reduction", "random",
              "edmundson"]


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return cli_in_process(*args, stdin=stdin, binary=True)


def process(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return cli(*args, stdin=stdin, binary=True)


def one_line_error(proc: subprocess.CompletedProcess[bytes]) -> str:
    err = proc.stderr.decode()
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("summarize: error: "), err
    return err


@pytest.mark.slow
def test_text_json_for_every_method(sample_article: str, tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_text(sample_article, encoding="utf-8")
    for method in EXTRACTIVE:
        proc = run("text", str(path), "--method", method, "--sentences", "3", "--json")
        assert proc.returncode == 0, proc.stderr
        result = json.loads(proc.stdout)
        assert result["method"] == method and result["kind"] == "extractive"
        assert len(result["sentences"]) == 3
        for s in result["sentences"]:
            assert sample_article[s["start"]:s["end"]] == s["text"]
            assert set(s) == {"text", "start", "end", "score", "rank", "support", "unsupported"}
        assert result["headline"]["text"].startswith("North Korea leader Kim")


def test_plain_output_from_stdin() -> None:
    """The real entry point: ``python -m summarizers.cli.main`` reads its stdin, writes its stdout."""
    proc = process("text", "-", "--method", "lead", "-n", "1", stdin=b"First one. Second one.")
    assert proc.returncode == 0
    assert proc.stdout.decode() == "First one.\n"


def test_methods_json_lists_ten_available_extractive_methods() -> None:
    proc = run("methods", "--json")
    assert proc.returncode == 0
    listed = {m["name"]: m for m in json.loads(proc.stdout)}
    for name in EXTRACTIVE:
        assert listed[name]["available"] is True and listed[name]["kind"] == "extractive"
        assert {"name", "kind", "description", "available", "reason"} <= set(listed[name])


def test_methods_table() -> None:
    proc = run("methods")
    assert proc.returncode == 0 and "lexrank" in proc.stdout.decode()


def test_html_flag(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body><article><p>The bank raised rates on Tuesday by half a point. "
                    "Shares fell after the news.</p><p>Mortgage holders will pay more from next month, "
                    "economists said.</p></article></body></html>", encoding="utf-8")
    proc = run("text", str(page), "--html", "--json", "--method", "lead", "-n", "1")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["offsets_refer_to"] == "extracted_text"
    s = result["sentences"][0]
    assert result["extracted_text"][s["start"]:s["end"]] == s["text"]


@pytest.mark.parametrize(
    ("args", "stdin", "message", "code"),
    [
        (("text", "-"), b"", "text is empty", 1),
        (("text", "-"), b"\xff\xfe\xfa", "not valid UTF-8", 1),
        (("text", "/no/such/file"), None, "No such file", 1),
        (("text", "-", "--method", "nope"), b"A b.", "unknown method", 1),
        (("text", "-", "--sentences", "0"), b"A b.", "sentences must be between 1 and 1000", 1),
        (("text", "-", "--ratio", "2"), b"A b.", "ratio must be in (0, 1]", 1),
        (("text", "-", "--language", "klingon"), b"A b.", "unsupported language", 1),
        (("text", "-", "--option", "colour=red"), b"A b.", "unknown option", 1),
    ],
)
def test_errors_are_one_line_and_non_zero(args: tuple[str, ...], stdin: bytes | None, message: str,
                                           code: int) -> None:
    proc = run(*args, stdin=stdin)
    assert proc.returncode == code
    assert message in one_line_error(proc)


def test_the_process_exits_with_the_status_and_one_error_line() -> None:
    """Exit statuses as a shell sees them: a usage error, a bad input, success."""
    usage = process("text", "-", "--sentences", "2", "--words", "10", stdin=b"x")
    assert usage.returncode == 2 and "not allowed with" in usage.stderr.decode()
    bad = process("text", "-", "--method", "nope", stdin=b"A b.")
    assert bad.returncode == 1 and "unknown method" in one_line_error(bad) and bad.stdout == b""


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name in commands:
        assert f"summarize {name}" in readme, f"`summarize {name}` is not in the README"
