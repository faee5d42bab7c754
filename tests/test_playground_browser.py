"""The playground in a real browser: headless Chromium (Selenium) against gunicorn on loopback.

One browser session and one server for the module (a second, small server for API keys). The
page is used as a person would (paste, pick, press), and what it draws is checked against what
the API itself answers for the same request. Screenshots go to a temporary folder, or to
``$PLAYGROUND_SCREENSHOTS`` when set (``docs/playground.png`` is the first one).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from browser_helpers import Gunicorn, chrome, gunicorns
from conftest import SAMPLE

pytestmark = pytest.mark.slow

WAIT_SECONDS = 30
#: The console lines a failed request leaves (expected in the error tests); anything else is a bug.
EXPECTED_CONSOLE = "Failed to load resource: the server responded with a status of"
SERVER_SETTINGS = {
    "SUMMARIZE_WORKERS": "1",
    "SUMMARIZE_THREADS": "4",
    "SUMMARIZE_PRELOAD": "",
    # A model directory that does not exist: abstractive is listed but unavailable (503).
    "SUMMARIZE_ABSTRACTIVE_MODEL": "/nonexistent/playground-test-model",
}


@pytest.fixture(scope="module")
def article() -> str:
    if not SAMPLE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{SAMPLE} is missing under CI")
        pytest.skip(f"{SAMPLE} not present")
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = os.environ.get("PLAYGROUND_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        return Path(target)
    return tmp_path_factory.mktemp("playground-screenshots")


API_KEY = "playground-secret-key"
TITLE = "North Korea leader Kim to meet with Putin in Russia, report says"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Gunicorn]]:
    """Two servers booting side by side (and while the browser starts): keys off, and keys on."""
    with gunicorns(SERVER_SETTINGS, {**SERVER_SETTINGS, "SUMMARIZE_API_KEYS": API_KEY},
                   logs=tmp_path_factory.mktemp("playground-servers")) as started:
        yield started


@pytest.fixture(scope="module")
def driver(servers: list[Gunicorn]) -> Iterator[Any]:
    session = chrome(window=(1400, 1300))
    try:
        yield session
    finally:
        session.quit()


@pytest.fixture(scope="module")
def base(servers: list[Gunicorn]) -> str:
    return servers[0].wait()


@pytest.fixture(scope="module")
def keyed(servers: list[Gunicorn]) -> str:
    return servers[1].wait()


# --- driving the page ------------------------------------------------------------------------


def wait_for(driver: Any, condition: str, *args: Any) -> Any:
    """Wait until the JavaScript expression ``condition`` is truthy; its value."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_SECONDS).until(lambda d: d.execute_script(f"return {condition}", *args))


def open_page(driver: Any, url: str) -> None:
    driver.get(url)
    wait_for(driver, "document.body.dataset.ready === 'true'")


def paste(driver: Any, text: str) -> None:
    driver.execute_script(
        "const t = document.getElementById('article'); t.value = arguments[0];"
        "t.dispatchEvent(new Event('input', {bubbles: true}));",
        text,
    )


def choose(driver: Any, select_id: str, value: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, select_id)).select_by_value(value)


def set_value(driver: Any, input_id: str, value: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    field = driver.find_element(By.ID, input_id)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(value)


def press(driver: Any, button_id: str) -> None:
    """Press a button and wait until the page has drawn the answer."""
    from selenium.webdriver.common.by import By

    before = driver.execute_script("return Number(document.body.dataset.done || 0)")
    driver.find_element(By.ID, button_id).click()
    wait_for(driver, "Number(document.body.dataset.done || 0) > arguments[0]", before)


def sent_request(driver: Any) -> dict[str, Any]:
    """The JSON body of the page's curl command (the request it sent last)."""
    command = driver.execute_script("return document.getElementById('curl').textContent")
    lines = command.splitlines()
    start = lines.index("  --data-binary @- <<'JSON'") + 1
    return json.loads("\n".join(lines[start : lines.index("JSON", start)]))


def highlighted(driver: Any) -> list[dict[str, Any]]:
    """The sentences the page highlights as the summary's, in page order."""
    return driver.execute_script(
        "return [...document.querySelectorAll('#article-view mark.sent.picked')].map(m => ({"
        "text: m.textContent, start: Number(m.dataset.start), end: Number(m.dataset.end),"
        "rank: Number(m.dataset.rank)}))"
    )


def api(url: str, body: dict[str, Any], key: str | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return requests.post(f"{url}/v1/summarize", json=body, headers=headers, timeout=60)


def console_problems(driver: Any) -> list[str]:
    """Console errors other than the failed requests a test asked for (CSP violations included)."""
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE" and EXPECTED_CONSOLE not in entry["message"]
    ]


def visible(driver: Any, element_id: str) -> bool:
    return driver.execute_script("return !document.getElementById(arguments[0]).hidden", element_id)


def text_of(driver: Any, element_id: str) -> str:
    return driver.execute_script("return document.getElementById(arguments[0]).textContent", element_id)


# --- the tests -------------------------------------------------------------------------------


def test_summary_is_highlighted_in_the_article(driver: Any, base: str, article: str, shots: Path) -> None:
    open_page(driver, base + "/")
    methods = requests.get(f"{base}/v1/methods", timeout=10).json()["methods"]
    offered = driver.execute_script("return [...document.getElementById('method').options].map(o => o.value)")
    assert offered == [m["name"] for m in methods]
    default = requests.get(f"{base}/playground/config.json", timeout=10).json()["default_method"]
    assert driver.execute_script("return document.getElementById('method').value") == default
    choose(driver, "method", "lexrank")

    paste(driver, article)
    set_value(driver, "title", TITLE)
    press(driver, "summarize")
    assert visible(driver, "results") and not visible(driver, "error")

    body = sent_request(driver)
    assert body["method"] == "lexrank" and body["offsets"] == "utf16" and body["text"] == article
    answer = api(base, body)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    expected = [{k: s[k] for k in ("text", "start", "end", "rank")} for s in result["sentences"]]
    assert highlighted(driver) == expected
    for s in expected:  # offsets in UTF-16 units are JavaScript string indices of the pasted text
        assert driver.execute_script(
            "return document.getElementById('article').value.slice(arguments[0], arguments[1])", s["start"], s["end"]
        ) == s["text"]

    # Every candidate sentence is drawn with a heat level from its score; the best one is the hottest.
    drawn = driver.execute_script(
        "return [...document.querySelectorAll('#article-view .sent')].map(s => ({start: Number(s.dataset.start),"
        "rank: Number(s.dataset.rank), heat: [...s.classList].find(c => c.startsWith('heat-'))}))"
    )
    assert [(d["start"], d["rank"]) for d in drawn] == [(s["start"], s["rank"]) for s in result["all_sentences"]]
    assert next(d["heat"] for d in drawn if d["rank"] == 1) == "heat-9"
    badges = driver.execute_script(
        "return [...document.querySelectorAll('#article-view .rank')].map(b => b.textContent)"
    )
    assert badges == [f"summary sentence, rank {s['rank']}" for s in expected]

    # Boilerplate is greyed out in place, with its reason on hover and in the list below.
    removed = driver.execute_script(
        "return [...document.querySelectorAll('#article-view .removed')].map(r => [r.textContent, r.title])"
    )
    assert removed == [[r["text"], f"left out: {r['reason']}"] for r in result["input"]["removed"]]
    assert removed, "the scraped sample has boilerplate"
    assert int(text_of(driver, "removed-count")) == len(removed)

    # The raw JSON shown is the answer (less the timing and request id, which differ per request).
    raw = json.loads(text_of(driver, "raw"))
    for key in ("elapsed_seconds",):
        raw.pop(key), result.pop(key)
    assert raw == result
    if shutil.which("curl"):  # the command shown runs as it is
        ran = subprocess.run(["bash", "-c", text_of(driver, "curl")], capture_output=True, text=True, timeout=60)
        assert ran.returncode == 0, ran.stderr
        assert json.loads(ran.stdout)["sentences"] == result["sentences"]

    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(shots / "playground.png"))
    assert console_problems(driver) == []


def test_switching_methods_and_lengths(driver: Any, base: str, article: str, shots: Path) -> None:
    for method, kind, value, order in (("lead", "sentences", "2", "document"), ("textrank", "ratio", "0.3", "rank")):
        choose(driver, "method", method)
        choose(driver, "length-kind", kind)
        set_value(driver, "length-value", value)
        choose(driver, "order", order)
        press(driver, "summarize")
        body = sent_request(driver)
        assert body["method"] == method and body["length"] == {kind: float(value) if kind == "ratio" else int(value)}
        result = api(base, body).json()
        assert highlighted(driver) == sorted(
            ({k: s[k] for k in ("text", "start", "end", "rank")} for s in result["sentences"]), key=lambda s: s["start"]
        )
        listed = driver.execute_script(
            "return [...document.querySelectorAll('#summary li')].map(li => Number(li.dataset.rank))"
        )
        assert listed == [s["rank"] for s in result["sentences"]]
        if order == "rank":
            assert listed == sorted(listed)
    driver.save_screenshot(str(shots / "switched.png"))

    # HTML: the article is extracted first, and the highlights index the extracted text.
    paragraphs = "".join(f"<p>{line}</p>" for line in article.splitlines()[1:] if line.strip())
    page = (f"<html><head><title>{TITLE}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>{TITLE}</h1>{paragraphs}</article><footer>© The paper</footer></body></html>")
    driver.find_element("css selector", "input[name=source][value=html]").click()
    paste(driver, page)
    choose(driver, "method", "lexrank")
    choose(driver, "length-kind", "sentences")
    set_value(driver, "length-value", "3")
    press(driver, "summarize")
    body = sent_request(driver)
    assert body["html"] == page and "text" not in body
    result = api(base, body).json()
    assert result["offsets_refer_to"] == "extracted_text"
    picked = highlighted(driver)
    assert picked == sorted(({k: s[k] for k in ("text", "start", "end", "rank")} for s in result["sentences"]),
                            key=lambda s: s["start"])
    units = result["extracted_text"].encode("utf-16-le")
    for s in picked:
        assert units[2 * s["start"] : 2 * s["end"]].decode("utf-16-le") == s["text"]
    driver.find_element("css selector", "input[name=source][value=text]").click()
    paste(driver, article)
    assert console_problems(driver) == []


def test_comparing_methods(driver: Any, base: str, article: str, shots: Path) -> None:
    from rouge_score import rouge_scorer

    choose(driver, "length-kind", "sentences")
    set_value(driver, "length-value", "3")
    choose(driver, "order", "document")
    checked = driver.execute_script(
        "return [...document.querySelectorAll('#compare-methods input:checked')].map(b => b.value)"
    )
    default = requests.get(f"{base}/playground/config.json", timeout=10).json()["default_method"]
    assert set(checked) == {"lead", "lexrank", "textrank", default}  # the default method is compared too
    press(driver, "compare")
    assert visible(driver, "comparison")

    language = driver.execute_script("return document.getElementById('language').value")
    results = {}
    for method in checked:
        body = {"text": article, "method": method, "length": {"sentences": 3}, "language": language,
                "offsets": "utf16", "options": {"title": TITLE, "all_sentences": True}}
        results[method] = api(base, body).json()
    columns = driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('#compare-columns .column')]"
        ".map(c => [c.dataset.method, c.querySelector('.column-summary').textContent]))"
    )
    assert columns == {m: r["summary"] for m, r in results.items()}

    # Which sentences each method picked, with its rank there.
    cells = driver.execute_script(
        "return [...document.querySelectorAll('#picks td.picked-cell')].map(td => "
        "[Number(td.parentElement.dataset.start), td.dataset.method, Number(td.dataset.rank)])"
    )
    expected = sorted([s["start"], m, s["rank"]] for m, r in results.items() for s in r["sentences"])
    assert sorted(cells) == expected

    # The page's ROUGE is rouge-score's (no stemming) on the same summaries.
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=False)
    overlap = driver.execute_script(
        "return [...document.querySelectorAll('#overlap td[data-a]')].map(td => [td.dataset.a, td.dataset.b,"
        "Number(td.dataset.rouge1), Number(td.dataset.rouge2), Number(td.dataset.rougel)])"
    )
    assert len(overlap) == len(checked) * (len(checked) - 1)  # both directions of every pair
    for a, b, r1, r2, rl in overlap:
        want = scorer.score(results[a]["summary"], results[b]["summary"])
        assert (r1, r2, rl) == pytest.approx(
            (want["rouge1"].fmeasure, want["rouge2"].fmeasure, want["rougeL"].fmeasure), abs=1e-12
        )
    # ...and on text where tokenization matters (punctuation, case, digits, non-ASCII letters).
    pairs = [("The U.S. rate rose 0.25% on Tuesday.", "Rates rose by 0.25 % on tuesday, the U.S. said"),
             ("Crème brûlée costs €5", "creme brulee costs 5 euros"), ("", "anything"), ("a a a b", "a b b")]
    ours = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "import('./playground/assets/rouge.js').then(m => done(arguments[0].map(([t, p]) => {"
        "const s = m.rougeScores(t, p); return [s.rouge1.fmeasure, s.rouge2.fmeasure, s.rougeL.fmeasure]; })));",
        pairs,
    )
    for (target, prediction), got in zip(pairs, ours, strict=True):
        want = scorer.score(target, prediction)
        assert got == pytest.approx([want[k].fmeasure for k in ("rouge1", "rouge2", "rougeL")], abs=1e-12)

    # One of the compared results can be shown in the article view.
    driver.execute_script("document.querySelector('#compare-columns .column[data-method=lead] button').click()")
    wait_for(driver, "document.querySelector('#summary-meta dd').textContent.startsWith('lead')")
    assert [s["start"] for s in highlighted(driver)] == [s["start"] for s in results["lead"]["sentences"]]
    driver.execute_script("document.getElementById('comparison').scrollIntoView()")
    driver.save_screenshot(str(shots / "comparison.png"))
    assert console_problems(driver) == []


def test_errors_show_the_services_message(driver: Any, base: str, article: str, shots: Path) -> None:
    choose(driver, "method", "lexrank")
    set_value(driver, "length-value", "0")
    press(driver, "summarize")
    envelope = api(base, sent_request(driver)).json()["error"]
    assert visible(driver, "error") and not visible(driver, "results")
    assert f"422 {envelope['code']}: {envelope['message']}" in text_of(driver, "error")
    invalid = driver.execute_script("return document.getElementById('length-value').getAttribute('aria-invalid')")
    assert invalid == "true"
    driver.save_screenshot(str(shots / "error-422.png"))

    # Abstractive is unavailable on this server (no model): 503 model_missing with the reason and
    # the fix, and no "try again" (waiting never brings the model).
    set_value(driver, "length-value", "3")
    choose(driver, "method", "abstractive")
    assert visible(driver, "abstractive-settings")
    assert "Unavailable here" in text_of(driver, "method-info")
    set_value(driver, "beams", "2")
    press(driver, "summarize")
    body = sent_request(driver)
    assert body["options"]["num_beams"] == 2 and "model" in body["options"]
    answer = api(base, body)
    assert answer.status_code == 503
    envelope = answer.json()["error"]
    shown = text_of(driver, "error")
    assert f"503 {envelope['code']}: {envelope['message']}" in shown
    assert envelope["code"] == "model_missing" and "Retry-After" not in answer.headers
    assert "Try again" not in shown and "SUMMARIZE_ABSTRACTIVE_MODEL" in shown
    driver.save_screenshot(str(shots / "error-503.png"))

    # A client-side check: nothing to summarize.
    choose(driver, "method", "lexrank")
    paste(driver, "   ")
    driver.find_element("id", "summarize").click()
    wait_for(driver, "document.getElementById('error').textContent === 'Paste an article first.'")
    assert driver.execute_script("return document.activeElement.id") == "article"
    assert console_problems(driver) == []


def test_keyboard_alone_and_labels(driver: Any, base: str, article: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    open_page(driver, base + "/playground")
    unlabelled = driver.execute_script(
        "return [...document.querySelectorAll('input, select, textarea, button')]"
        ".filter(e => !e.closest('[hidden]') && e.type !== 'hidden')"
        ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())"
        ".map(e => e.id || e.outerHTML)"
    )
    assert unlabelled == []

    # Tab from the top reaches every control in reading order; no mouse from here on.
    order = []
    for _ in range(14):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        order.append(driver.execute_script("const a = document.activeElement; return a.id || a.getAttribute('href')"))
    assert order[:3] == ["#results-title", "docs", "openapi.json"]
    at = order.index("article")
    assert order.index("title") < at < order.index("method") < order.index("length-kind") < order.index("summarize")
    short = ("Storm closes schools\n\nHeavy snow closed every school in the county on Monday. "
             "Roads were blocked for most of the day. Officials expect the schools to reopen on Wednesday.")
    for _ in range(len(order)):
        if driver.execute_script("return document.activeElement.id") == "article":
            break
        ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
    ActionChains(driver).send_keys(short).perform()
    before = driver.execute_script("return Number(document.body.dataset.done || 0)")
    ActionChains(driver).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL).perform()
    wait_for(driver, "Number(document.body.dataset.done || 0) > arguments[0]", before)
    result = api(base, sent_request(driver)).json()
    assert [s["text"] for s in highlighted(driver)] == [s["text"] for s in result["sentences"]]
    assert text_of(driver, "status").startswith("Summary ready")
    assert console_problems(driver) == []


def test_grounding_is_drawn_when_the_result_has_it(driver: Any, base: str) -> None:
    """The grounding fields (``support``, ``unsupported``, ``faithfulness``) as the contract
    gives them, drawn by the page's own module."""
    document = "Shares rose 5% on Monday in Paris. The bank cut rates. Analysts were surprised."
    summary = "Shares rose 7% in Paris. Rates were cut."
    result = {
        "kind": "abstractive", "method": "abstractive", "summary": summary,
        "sentences": [
            {"text": "Shares rose 7% in Paris.", "start": 0, "end": 24, "score": None, "rank": 1,
             "support": [{"start": 0, "end": 34, "score": 0.8}],
             "unsupported": [{"kind": "number", "text": "7%", "start": 12, "end": 14}]},
            {"text": "Rates were cut.", "start": 25, "end": 40, "score": None, "rank": 2,
             "support": [{"start": 35, "end": 54, "score": 0.9}], "unsupported": []},
        ],
        "faithfulness": {"score": 0.5, "counts": {"number": 1}},
        "input": {"removed": []}, "headline": None,
    }
    drawn = driver.execute_async_script(
        "const [doc, result, done] = arguments;"
        "import('./playground/assets/render.js').then(r => {"
        "  const article = document.createElement('div'), summary = document.createElement('div'),"
        "        faith = document.createElement('p');"
        "  document.body.append(article, summary, faith);"
        "  r.renderArticle(article, doc, result);"
        "  r.renderSummary(summary, result, i => r.showSupport(article, summary, i));"
        "  r.renderFaithfulness(faith, result);"
        "  summary.querySelectorAll('button')[1].click();"
        "  const out = {"
        "    support: [...article.querySelectorAll('mark.support')].map(m => [m.textContent, m.dataset.for]),"
        "    active: [...article.querySelectorAll('mark.support.active')].map(m => m.textContent),"
        "    unsupported: [...summary.querySelectorAll('mark.unsupported')].map(m => [m.textContent, m.dataset.kind]),"
        "    pressed: [...summary.querySelectorAll('button')].map(b => b.getAttribute('aria-pressed')),"
        "    articleText: article.textContent, faithfulness: faith.textContent };"
        "  article.remove(); summary.remove(); faith.remove(); done(out); });",
        document, result,
    )
    assert drawn["support"] == [[document[0:34], "0"], [document[35:54], "1"]]
    assert drawn["active"] == [document[35:54]]
    assert drawn["unsupported"] == [["7%", "number"]]
    assert drawn["pressed"] == ["false", "true"]
    assert drawn["articleText"] == document
    assert drawn["faithfulness"] == "Faithfulness 0.5 · not supported by the article: 1 number"


def test_busy_and_unreachable_messages(driver: Any, base: str) -> None:
    """A saturated server's 503 (``server_busy``) and a failed connection read clearly."""
    busy = {"ok": False, "status": 503, "retryAfter": "5", "requestId": None, "data": None,
            "error": {"code": "server_busy", "message": "the server is busy with other summaries; retry later",
                      "details": {"reason": "extractive"}}}
    messages = driver.execute_async_script(
        "const [busy, done] = arguments;"
        "import('./playground/assets/api.js').then(async api => {"
        "  const gone = await api.call('http://127.0.0.1:9/v1/methods');"
        "  done([api.describeFailure(busy), api.describeFailure(gone)]); });",
        busy,
    )
    assert messages[0] == ("503 server_busy: the server is busy with other summaries; retry later. "
                           "The service is busy. Try again in 5 s.")
    assert messages[1].startswith("unreachable: could not reach the service")
    # The page's policy refused the connection to another origin (nothing left the browser).
    assert any("Content Security Policy" in entry["message"] for entry in driver.get_log("browser"))


def test_api_keys_are_asked_for_and_kept_in_memory(driver: Any, keyed: str, article: str) -> None:
    key, url = API_KEY, keyed
    open_page(driver, url + "/")
    assert visible(driver, "key-row")
    paste(driver, article)
    driver.find_element("id", "summarize").click()
    wait_for(driver, "document.getElementById('error').textContent === 'Enter the API key first.'")

    set_value(driver, "api-key", "wrong-key")
    press(driver, "summarize")
    envelope = requests.get(f"{url}/v1/methods", headers={"Authorization": "Bearer wrong-key"}, timeout=10).json()
    assert envelope["error"]["message"] in text_of(driver, "error")
    assert text_of(driver, "error").startswith("401 unauthorized")

    set_value(driver, "api-key", key)
    press(driver, "summarize")
    assert not visible(driver, "error"), text_of(driver, "error")
    result = api(url, sent_request(driver), key=key).json()
    assert [s["start"] for s in highlighted(driver)] == [s["start"] for s in result["sentences"]]
    command = text_of(driver, "curl")
    assert key not in command and "$SUMMARIZE_API_KEY" in command
    stored = driver.execute_script(
        "return [document.cookie, JSON.stringify(localStorage), JSON.stringify(sessionStorage)].join(' ')"
    )
    assert key not in stored
    driver.refresh()
    wait_for(driver, "document.body.dataset.ready === 'true'")
    assert driver.execute_script("return document.getElementById('api-key').value") == ""
    assert console_problems(driver) == []


def test_the_empty_page_explains_itself_and_the_sample_can_be_tried(driver: Any, base: str) -> None:
    open_page(driver, base + "/")
    assert visible(driver, "empty-state") and not visible(driver, "results")
    press(driver, "try-sample")
    assert visible(driver, "results") and not visible(driver, "error")
    assert not visible(driver, "empty-state")
    assert driver.execute_script("return document.getElementById('article').value").startswith("City council")
