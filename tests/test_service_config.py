"""One configuration: every SUMMARIZE_* variable read once, by summarizers.config, into typed
configs; a bad value stops the start with one line; gunicorn.conf.py writes no variable."""

from __future__ import annotations

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

from summarizers import Registry
from summarizers.cli.main import main
from summarizers.config import (
    VARIABLES,
    ConfigError,
    JobsConfig,
    read_abstractive,
    read_config,
    read_fetch_policy,
    read_jobs,
    read_sentence_limits,
)
from summarizers.methods.lead import LeadMethod
from summarizers_service.app import create_app
from summarizers_service.config import ServiceConfig, load_service_config, read_server

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "service" / "gunicorn.conf.py"


def test_config_from_environment() -> None:
    config = load_service_config(
        {
            "SUMMARIZE_MAX_BODY_BYTES": "2048",
            "SUMMARIZE_API_KEYS": "a, b,",
            "SUMMARIZE_REQUEST_TIMEOUT": "2.5",
            "SUMMARIZE_PRELOAD": "",
            "SUMMARIZE_CORS_ORIGINS": "https://x.example",
            "SUMMARIZE_PROCESSES": "2",
            "SUMMARIZE_COMPAT_AZURE_PAGE_SIZE": "3",
            "SUMMARIZE_JOBS_CHUNK": "4",
            "SUMMARIZE_SENTENCE_LIMITS": "lexrank=50",
        }
    )
    assert config.max_body_bytes == 2048 and config.api_keys == ("a", "b")
    assert config.request_timeout == 2.5 and config.preload == () and config.cors_origins == ("https://x.example",)
    assert (config.compat.azure_page_size, config.jobs.chunk, config.sentence_limits) == (3, 4, {"lexrank": 50})
    assert config.processes == 2
    with pytest.raises(ValueError, match="unknown service setting"):
        create_app({"max_bodies": 1}, registry=Registry([LeadMethod()]))


def test_processes_and_torch_threads_default_to_each_workers_share_of_the_cores() -> None:
    config = load_service_config({"SUMMARIZE_WORKERS": "2"}, cores=8)
    assert config.processes == 4 and config.abstractive.torch_threads == 4
    assert read_server({}, cores=16).workers == 4 and read_server({}, cores=1).workers == 1
    mine = load_service_config({"SUMMARIZE_TORCH_THREADS": "3", "SUMMARIZE_PROCESSES": "5"}, cores=8)
    assert (mine.processes, mine.abstractive.torch_threads) == (5, 3)
    expected = ServiceConfig(processes=1, abstractive=read_abstractive({}, torch_threads=1))
    assert load_service_config({}, cores=2) == expected


@pytest.mark.parametrize("variable, value, allowed", [
    ("SUMMARIZE_MAX_BATCH", "many", "a whole number"),
    ("SUMMARIZE_MAX_BATCH", "0", "a whole number >= 1"),
    ("SUMMARIZE_REQUEST_TIMEOUT", "-1", "a positive number of seconds"),
    ("SUMMARIZE_QUEUE_WAIT", "nan", "a number"),
    ("SUMMARIZE_ISOLATION", "fork", "one of process, thread"),
    ("SUMMARIZE_ALLOW_URLS", "maybe", "1, true, yes, on, 0, false, no or off"),
    ("SUMMARIZE_ALLOW_URLS", "1", "SUMMARIZE_URL_HOSTS too"),
    ("SUMMARIZE_RATE_LIMIT", "lots", "N/second, N/minute or N/hour"),
    ("SUMMARIZE_LOG_LEVEL", "chatty", "one of"),
    ("SUMMARIZE_URL_ALLOW_NETWORKS", "intranet", "networks such as 10.0.0.0/8"),
    ("SUMMARIZE_URL_TIMEOUT", "0", "a positive number of seconds"),
    ("SUMMARIZE_JOBS_ISOLATION", "thread", "one of process, inline"),
    ("SUMMARIZE_JOBS_WORKERS", "-1", "a whole number >= 0"),
    ("SUMMARIZE_JOBS_WEBHOOK_ALLOW", "hooks.example.com/", "each starting with http:// or https://"),
    ("SUMMARIZE_COMPAT_AZURE_PAGE_SIZE", "0", "a whole number >= 1"),
    ("SUMMARIZE_MAX_BEAMS", "0", "a whole number >= 1"),
    ("SUMMARIZE_DEVICE", "tpu", "one of auto, cpu, cuda, cuda:N"),
    ("SUMMARIZE_MODELS", "just-a-name", "name=source pairs"),
    ("SUMMARIZE_MODELS", '{"m": {"source": "org/m", "backend": "onnx"}}', "backend must be one of"),
    ("SUMMARIZE_SENTENCE_LIMITS", "lexrank=5, kl=-1", "name=positive whole number"),
    ("SUMMARIZE_WORKERS", "0", "a whole number >= 1"),
    ("SUMMARIZE_GRACEFUL_TIMEOUT", "soon", "a whole number"),
])
def test_a_bad_value_is_one_line_naming_the_variable_its_value_and_what_is_allowed(
        variable: str, value: str, allowed: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_service_config({variable: value})
    message = str(info.value)
    assert message.startswith(f"{variable}={value!r} is not valid: expected ") and allowed in message
    assert "\n" not in message and info.value.variable == variable and info.value.value == value


def test_empty_means_unset_except_for_lists() -> None:
    assert read_jobs({"SUMMARIZE_JOBS_CHUNK": " ", "SUMMARIZE_JOBS_REDIS_URL": ""}) == JobsConfig()
    assert load_service_config({"SUMMARIZE_PRELOAD": ""}).preload == ()
    assert read_abstractive({"SUMMARIZE_MAX_BEAMS": ""}).max_beams == 8


def test_the_url_policy_means_the_same_for_the_library_the_cli_and_the_service() -> None:
    env = {"SUMMARIZE_URL_HOSTS": "a.example", "SUMMARIZE_URL_ALLOW_NETWORKS": "10.0.0.0/8",
           "SUMMARIZE_URL_TIMEOUT": "3", "SUMMARIZE_URL_MAX_BYTES": "1000", "SUMMARIZE_ALLOW_URLS": "1"}
    assert load_service_config(env).fetch_policy() == read_fetch_policy(env) == read_config(env).fetch
    assert read_fetch_policy(env).allowed_networks == ("10.0.0.0/8",)


def test_sentence_limits_are_read_once_into_the_registry(caplog: pytest.LogCaptureFixture) -> None:
    from summarizers import default_registry

    assert read_sentence_limits({"SUMMARIZE_SENTENCE_LIMITS": "lexrank=5, lexrank.sumy=4"}) == {
        "lexrank": 5, "lexrank.sumy": 4}
    registry = default_registry(plugins=False, config=read_config({"SUMMARIZE_SENTENCE_LIMITS": "lexrank=5"}))
    lexrank = registry.get("lexrank")
    with mock.patch.dict(os.environ, {"SUMMARIZE_SENTENCE_LIMITS": "lexrank=bad"}):  # read at start only
        assert lexrank.sentence_limit(registry.prepare("lexrank")) == 5
    assert not caplog.records


def test_create_app_refuses_a_bad_value_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZE_QUEUE", "-2")
    with pytest.raises(ConfigError, match=r"^SUMMARIZE_QUEUE='-2' is not valid: expected a whole number >= 0$"):
        create_app(registry=Registry([LeadMethod()]))


def test_the_cli_refuses_a_bad_value_with_one_line(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SUMMARIZE_MAX_BEAMS", "lots")
    assert main(["methods"]) == 2
    err = capsys.readouterr().err
    assert err == "summarize: error: SUMMARIZE_MAX_BEAMS='lots' is not valid: expected a whole number\n"
    monkeypatch.delenv("SUMMARIZE_MAX_BEAMS")
    monkeypatch.setenv("SUMMARIZE_JOBS_LEASE", "0")  # read by `summarize worker` when it starts
    assert main(["worker", "--until-idle"]) == 2
    assert capsys.readouterr().err == ("summarize: error: SUMMARIZE_JOBS_LEASE='0' is not valid: "
                                       "expected a positive number of seconds\n")


def _conf_namespace(env: dict[str, str]) -> tuple[dict[str, object], dict[str, str]]:
    """Run gunicorn.conf.py as gunicorn does, with ``env`` as the environment; its settings and
    the environment afterwards."""
    with mock.patch.dict(os.environ, env, clear=True):
        namespace = runpy.run_path(str(CONF))
        after = dict(os.environ)
    for folder in (namespace["_metrics_dir"] if namespace["_own_metrics_dir"] else None, namespace["_own_status_dir"]):
        if folder:
            os.rmdir(str(folder))
    return namespace, after


def test_gunicorn_conf_derives_from_the_config_and_writes_no_variable() -> None:
    env = {"PATH": os.environ.get("PATH", ""), "SUMMARIZE_WORKERS": "2", "SUMMARIZE_QUEUE": "3",
           "SUMMARIZE_BATCH_TIMEOUT": "100", "SUMMARIZE_LOG_LEVEL": "WARNING", "SUMMARIZE_JOBS_WORKERS": "1"}
    conf, after = _conf_namespace(env)
    assert after == env  # nothing written into os.environ
    share = max(1, (os.cpu_count() or 1) // 2)
    assert (conf["workers"], conf["threads"], conf["timeout"], conf["loglevel"]) == (2, share + 3 + 4, 130, "warning")
    assert conf["raw_env"] == [f"PROMETHEUS_MULTIPROC_DIR={conf['_metrics_dir']}"]  # prometheus_client's own
    assert str(conf["_status_path"]).endswith("supervisor.json")
    source = CONF.read_text(encoding="utf-8")
    assert not re.search(r"os\.environ\s*(\[[^]]*\]\s*=|\.(setdefault|update|pop)\()|os\.putenv", source)


def test_gunicorn_stops_at_a_bad_value_with_one_line() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMARIZE_", "PROMETHEUS_"))}
    env.update({"PYTHONPATH": str(ROOT), "SUMMARIZE_CHILD_MAX_TASKS": "often"})
    proc = subprocess.run([sys.executable, "-m", "gunicorn", "--config", str(CONF), "--bind", "127.0.0.1:0",
                           "summarizers_service.app:create_app()"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 1
    assert proc.stderr == "summarize: error: SUMMARIZE_CHILD_MAX_TASKS='often' is not valid: expected a whole number\n"


def test_every_variable_is_read_only_by_the_config_module_and_documented() -> None:
    docs = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))
    assert [v for v in VARIABLES if v not in docs] == []
    reads = re.compile(r"os\.environ|getenv")
    offenders = []
    for folder in ("summarizers", "service"):
        for path in (ROOT / folder).rglob("*.py"):
            if path == ROOT / "summarizers" / "config.py":
                continue
            for line in path.read_text(encoding="utf-8").splitlines():
                if reads.search(line) and "SUMMARIZE_" in line:
                    offenders.append(f"{path.relative_to(ROOT)}: {line.strip()}")
    assert offenders == []
