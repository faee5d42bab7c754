"""The real clients, unchanged, against gunicorn on a loopback port: ``azure-ai-textanalytics``
(sync and async ``TextAnalyticsClient``: extractive summaries in every ``string_index_type`` and
both ``order_by``, abstractive summaries with a tiny local model, both actions in one job,
cancellation, a wrong key, 26 documents, an unsupported language) and ``huggingface_hub``'s
``InferenceClient.summarization`` (an extractive method, the abstractive method, a wrong key).

One server for the whole module (web worker + job worker), results paged (2 documents a page)
so that the Azure client follows ``nextLink``."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from azure.ai.textanalytics import (
    AbstractiveSummaryAction,
    ExtractiveSummaryAction,
    TextAnalyticsClient,
)
from azure.ai.textanalytics.aio import TextAnalyticsClient as AsyncTextAnalyticsClient
from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
from huggingface_hub import InferenceClient
from jobs_helpers import clean_env, free_port, kill_group, start_gunicorn
from slow_helpers import slow_documents

from summarizers import default_registry
from summarizers.batch.worker import ChunkWorker
from summarizers.jobs import Jobs, JobsConfig, JobWorker
from summarizers_service.compat.indexes import slice_by

pytest.importorskip("torch")  # the abstractive method (the Azure and hub clients are test dependencies)

pytestmark = pytest.mark.slow

KEY = "newsroom-key"
DOCUMENTS = [
    "Cafe\u0301 owners 🇫🇷 met on Monday 👍🏽 to plan the festival. The council approved the new budget 👨‍👩‍👧 "
    "after a long debate. Spending on schools rises by four percent. Road repairs get a larger share than "
    "last year. The vote was close, seven to six.",
    "Rail strike called off 🚆. Train drivers called off Monday's strike after a late offer from the operators. "
    "The union said members would vote on the new pay deal next week. Commuters had been warned to expect "
    "severe disruption across the network.",
    "Flood warnings 🌧️🇬🇧 remain in place. Rivers rose overnight after two days of rain. Residents near the "
    "estuary were told to move valuables upstairs. The agency said levels would peak on Thursday.",
]
#: The warm-up request of each server (the Hugging Face test waits for it).
WARM_UP: dict[str, threading.Thread] = {}
INDEX_TYPES = ("UnicodeCodePoint", "Utf16CodeUnit", "TextElements_v8")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, tiny_bart_dir: Path) -> Iterator[str]:
    """gunicorn (the web API) and a job worker on its jobs database.

    The job worker is the engine's :class:`JobWorker`, run in a thread of this process (torch is
    imported here already) rather than as the process gunicorn's master would start: the same
    code on the same store, without paying torch's import a third time (test_jobs_gunicorn
    covers the worker processes gunicorn starts).
    """
    folder = tmp_path_factory.mktemp("compat-server")
    port = free_port()
    env = clean_env({
        "SUMMARIZE_WORKERS": "1", "SUMMARIZE_THREADS": "8", "SUMMARIZE_PRELOAD": "newsrank",
        "SUMMARIZE_API_KEYS": KEY, "SUMMARIZE_ABSTRACTIVE_MODEL": str(tiny_bart_dir),
        "SUMMARIZE_JOBS_WORKERS": "0", "SUMMARIZE_COMPAT_AZURE_PAGE_SIZE": "2",
    }, folder)
    process = start_gunicorn(port, env, folder / "service.log")
    patch = pytest.MonkeyPatch()
    # a little time per document, so that a job of 50 documents can be cancelled mid-way
    for name, value in slow_documents(0.04).items():  # in the document processes started from now on
        if name in ("PYTHONPATH", "SLOW_DOCUMENT_SECONDS"):
            patch.setenv(name, value)
    run = ChunkWorker.run
    patch.setattr(ChunkWorker, "run", lambda self, chunk, *a: run(self, chunk, *a) if time.sleep(0.04 * len(chunk))
                  is None else None)
    for name in ("SUMMARIZE_ABSTRACTIVE_MODEL", "SUMMARIZE_TORCH_THREADS"):  # the server's models
        patch.setenv(name, env[name])
    jobs = Jobs(JobsConfig(db=str(folder / "jobs.db")))
    worker = JobWorker(jobs, registry_factory=default_registry)
    thread = threading.Thread(target=worker.run, kwargs={"poll": 0.05}, daemon=True, name="compat-jobs")
    thread.start()
    url = f"http://127.0.0.1:{port}"
    # The web worker loads torch and the model on its first abstractive request: start one now,
    # so that it loads while the Azure tests mostly wait between polls.
    warm = threading.Thread(target=lambda: requests.post(f"{url}/hf/models/abstractive", json={"inputs": DOCUMENTS[0]},
                                                         headers={"Authorization": f"Bearer {KEY}"}, timeout=300),
                            daemon=True, name="compat-warm-up")
    warm.start()
    WARM_UP[url] = warm
    try:
        yield url
    finally:
        warm.join(timeout=300)
        worker.stop()
        thread.join(timeout=60)
        jobs.close()
        patch.undo()
        kill_group(process)


def azure(base: str, key: str = KEY) -> TextAnalyticsClient:
    return TextAnalyticsClient(endpoint=base, credential=AzureKeyCredential(key))


def test_extract_summary_in_every_index_type_and_order(base: str) -> None:
    client = azure(base)
    cases = [("UnicodeCodePoint", "Offset"), ("Utf16CodeUnit", "Rank"), ("TextElements_v8", "Offset"),
             ("TextElements_v8", "Rank")]
    pollers = [client.begin_extract_summary(DOCUMENTS, max_sentence_count=2, order_by=order,  # type: ignore[arg-type]
                                            string_index_type=kind, show_stats=True) for kind, order in cases]
    offsets_by_kind: dict[str, list[int]] = {}
    for (kind, order), poller in zip(cases, pollers, strict=True):
        results = list(poller.result(timeout=120))  # three documents: two pages, nextLink followed
        assert poller.status() == "succeeded"
        assert len(results) == len(DOCUMENTS)
        for text, doc in zip(DOCUMENTS, results, strict=True):
            assert not doc.is_error, doc
            assert doc.kind == "ExtractiveSummarization" and len(doc.sentences) == 2
            assert doc.statistics.character_count > 0
            for sentence in doc.sentences:
                assert 0 <= sentence.rank_score <= 1
                assert slice_by(text, sentence.offset, sentence.length, kind) == sentence.text  # type: ignore[arg-type]
            scores = [s.rank_score for s in doc.sentences]
            offsets = [s.offset for s in doc.sentences]
            assert offsets == sorted(offsets) if order == "Offset" else scores == sorted(scores, reverse=True)
            offsets_by_kind.setdefault(kind, []).extend(sorted(offsets))
    # the emoji, flags and combining marks make the three index types give different offsets
    firsts = {kind: tuple(offsets[:2 * len(DOCUMENTS)]) for kind, offsets in offsets_by_kind.items()}
    assert len(set(firsts.values())) == 3


def test_abstract_summary_with_a_tiny_model(base: str) -> None:
    long = " ".join(DOCUMENTS * 25)  # over the tiny model's 1,024 input tokens
    texts = [*DOCUMENTS[:2], long]
    poller = azure(base).begin_abstract_summary(texts, sentence_count=1)
    results = list(poller.result(timeout=180))
    assert poller.status() == "succeeded"
    assert "DocumentTruncated" in [w.code for w in results[2].warnings]
    assert all(w.code != "DocumentTruncated" for doc in results[:2] for w in doc.warnings)
    for text, doc in zip(texts, results, strict=True):
        assert not doc.is_error, doc
        assert doc.kind == "AbstractiveSummarization" and len(doc.summaries) == 1
        summary = doc.summaries[0]
        assert isinstance(summary.text, str)
        for context in summary.contexts:
            assert context.offset >= 0 and context.offset + context.length <= len(text)


def test_async_client_extract_and_abstract(base: str) -> None:
    async def run() -> tuple[list[str], list[str]]:
        async with AsyncTextAnalyticsClient(endpoint=base, credential=AzureKeyCredential(KEY)) as client:
            extract = await client.begin_extract_summary(DOCUMENTS, max_sentence_count=1)
            abstract = await client.begin_abstract_summary(DOCUMENTS[:1])
            sentences = [doc.sentences[0].text async for doc in await extract.result()]
            summaries = [doc.summaries[0].text async for doc in await abstract.result()]
            return sentences, summaries

    sentences, summaries = asyncio.run(asyncio.wait_for(run(), 180))
    assert len(sentences) == 3 and all(s in text for s, text in zip(sentences, DOCUMENTS, strict=True))
    assert len(summaries) == 1


def test_analyze_actions_with_both_actions(base: str) -> None:
    poller = azure(base).begin_analyze_actions(
        [{"id": "a", "text": DOCUMENTS[0], "language": "en"}, {"id": "b", "text": DOCUMENTS[1], "language": "auto"}],
        actions=[ExtractiveSummaryAction(max_sentence_count=2), AbstractiveSummaryAction(sentence_count=1)],
        display_name="newsroom",
    )
    results = list(poller.result(timeout=180))
    assert poller.status() == "succeeded" and poller.display_name == "newsroom"
    assert poller.total_actions_count == 2 and poller.actions_succeeded_count == 2
    assert len(results) == 2
    for actions in results:
        extractive, abstractive = actions
        assert extractive.kind == "ExtractiveSummarization" and len(extractive.sentences) == 2
        assert abstractive.kind == "AbstractiveSummarization" and len(abstractive.summaries) == 1


def test_cancel_a_running_job(base: str) -> None:
    documents = [DOCUMENTS[i % 3] for i in range(25)]
    poller = azure(base).begin_analyze_actions(
        documents, actions=[ExtractiveSummaryAction(), ExtractiveSummaryAction(order_by="Rank")])
    poller.cancel()
    poller.wait(timeout=60)
    assert poller.status() == "cancelled"


def test_wrong_key_raises_client_authentication_error(base: str) -> None:
    with pytest.raises(ClientAuthenticationError) as caught:
        azure(base, key="not-our-key").begin_extract_summary(DOCUMENTS[:1])
    assert caught.value.status_code == 401


def test_26_documents_raise_http_response_error_400(base: str) -> None:
    with pytest.raises(HttpResponseError) as caught:
        azure(base).begin_extract_summary([DOCUMENTS[0]] * 26)
    assert caught.value.status_code == 400
    assert "InvalidDocumentBatch" in str(caught.value)


def test_unsupported_language_is_that_documents_error(base: str) -> None:
    poller = azure(base).begin_extract_summary(
        [{"id": "ok", "text": DOCUMENTS[0], "language": "en"}, {"id": "bad", "text": DOCUMENTS[1], "language": "tlh"}])
    ok, bad = list(poller.result(timeout=120))
    assert not ok.is_error and ok.id == "ok"
    assert bad.is_error and bad.id == "bad" and bad.error.code == "UnsupportedLanguageCode"


def test_hugging_face_inference_client_extractive_abstractive_and_wrong_key(
        base: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import huggingface_hub.constants

    # the suite runs the hub's library offline; these requests only go to the loopback server
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    WARM_UP[base].join(timeout=300)
    text = DOCUMENTS[1]
    extractive = InferenceClient(model=f"{base}/hf/models/newsrank", token=KEY).summarization(text)
    assert extractive.summary_text and extractive.summary_text in text
    limited = InferenceClient(model=f"{base}/hf/models/newsrank", token=KEY).summarization(
        text, generate_parameters={"max_length": 15})
    assert len(limited.summary_text.split()) < len(extractive.summary_text.split()) or \
        len(extractive.summary_text.split()) <= 15
    abstractive = InferenceClient(model=f"{base}/hf/models/abstractive", token=KEY).summarization(
        text, generate_parameters={"max_new_tokens": 24, "num_beams": 1}, truncation="longest_first")
    assert isinstance(abstractive.summary_text, str)
    from huggingface_hub.errors import HfHubHTTPError

    with pytest.raises(HfHubHTTPError) as caught:
        InferenceClient(model=f"{base}/hf/models/newsrank", token="not-our-key").summarization(text)
    assert caught.value.response.status_code == 401
