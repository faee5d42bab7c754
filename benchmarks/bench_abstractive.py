"""Time abstractive summaries per backend on random-weight models of the real architectures.

The models are built from the public config values of the summarization models (no
download; see :data:`ARCHITECTURES`), saved with ``save_pretrained`` and, for the
``ctranslate2`` backend, converted with the library's own converter (int8 by default). The cost
of a summary depends on the architecture and the output length, not on the weights, so the
output length is forced (``min_new_tokens == max_new_tokens``). The tokenizer is a small one
trained locally; the model keeps the real vocabulary size (the converter pads the vocabulary).

Each (model, backend, beams, batch size) is measured in its own process, which loads the
model through the library's loader and generates through the library's generation code, so
that its peak RSS is its own (``ru_maxrss``: load and generation included).

    python -m benchmarks.bench_abstractive --backends transformers,ctranslate2 --json
    python -m benchmarks.bench_abstractive --models distilbart-cnn-12-6 --beams 1,4 --batch-sizes 1,8

A benchmark, not a test: figures on a shared machine are noisy; compare backends within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

#: Public config values (each model's config.json); see docs/abstractive.md.
ARCHITECTURES: dict[str, dict[str, Any]] = {
    "distilbart-cnn-12-6": {"type": "bart", "encoder_layers": 12, "decoder_layers": 6},
    "bart-large-cnn": {"type": "bart", "encoder_layers": 12, "decoder_layers": 12},
    "t5-small": {"type": "t5"},
    "pegasus-cnn_dailymail": {"type": "pegasus"},
}
BACKENDS = ("transformers", "ctranslate2")
KEYS = ("model", "backend", "beams", "batch_size", "seconds_per_summary", "summaries_per_second", "peak_rss_mb")


def model_config(name: str) -> Any:
    """The ``transformers`` config of ``name``'s real architecture (built by hand)."""
    from transformers import BartConfig, PegasusConfig, T5Config

    arch = ARCHITECTURES[name]
    if arch["type"] == "bart":
        return BartConfig(
            vocab_size=50264, d_model=1024, encoder_attention_heads=16, decoder_attention_heads=16,
            encoder_ffn_dim=4096, decoder_ffn_dim=4096, activation_function="gelu", max_position_embeddings=1024,
            bos_token_id=0, pad_token_id=1, eos_token_id=2, decoder_start_token_id=2, forced_bos_token_id=0,
            forced_eos_token_id=2, scale_embedding=False, normalize_before=False, add_final_layer_norm=False,
            encoder_layers=arch["encoder_layers"], decoder_layers=arch["decoder_layers"],
        )
    if arch["type"] == "t5":
        return T5Config(vocab_size=32128, d_model=512, d_kv=64, d_ff=2048, num_layers=6, num_decoder_layers=6,
                        num_heads=8, relative_attention_num_buckets=32, feed_forward_proj="relu",
                        pad_token_id=0, eos_token_id=1, decoder_start_token_id=0)
    return PegasusConfig(
        vocab_size=96103, d_model=1024, encoder_layers=16, decoder_layers=16, encoder_attention_heads=16,
        decoder_attention_heads=16, encoder_ffn_dim=4096, decoder_ffn_dim=4096, activation_function="relu",
        max_position_embeddings=1024, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0,
        forced_eos_token_id=1, scale_embedding=True, normalize_before=True, add_final_layer_norm=True,
    )


def prepare(name: str, workdir: Path, backends: list[str], quantization: str) -> None:
    """Save a random-weight ``name`` with a small tokenizer under ``workdir/name``; convert it
    for CTranslate2 when that backend is asked for."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, GenerationConfig
    from transformers.utils import logging as hf_logging

    from summarizers.testing import train_tokenizer

    hf_logging.disable_progress_bar()
    out = workdir / name
    arch = ARCHITECTURES[name]["type"]
    if not (out / "config.json").is_file():
        torch.manual_seed(0)
        config = model_config(name)
        model = AutoModelForSeq2SeqLM.from_config(config)
        ids = {k: getattr(config, k) for k in ("bos_token_id", "pad_token_id", "eos_token_id",
                                                 "decoder_start_token_id", "forced_bos_token_id",
                                                 "forced_eos_token_id") if getattr(config, k, None) is not None}
        model.generation_config = GenerationConfig(num_beams=1, **ids)
        model.save_pretrained(out)
        train_tokenizer(arch, vocab_size=600).save_pretrained(out)
    if "ctranslate2" in backends:
        from summarizers.methods.abstractive.convert import convert

        convert(_spec(name, workdir, "ctranslate2"), _config(workdir, quantization, None))


def _spec(name: str, workdir: Path, backend: str) -> Any:
    from summarizers.methods.abstractive.config import ModelSpec

    return ModelSpec(name, str(workdir / name), backend=backend)


def _config(workdir: Path, quantization: str, threads: int | None) -> Any:
    from summarizers.methods.abstractive.config import AbstractiveConfig

    return AbstractiveConfig(ct2_dir=str(workdir / "ctranslate2"), ct2_quantization=quantization,
                             torch_threads=threads)


def article(tokenizer: Any, tokens: int, variant: int) -> str:
    """News-like text of exactly ``tokens`` tokens for ``tokenizer`` (variants differ a little)."""
    from summarizers.testing import TRAINING_TEXT

    lines = [line for line in TRAINING_TEXT.splitlines() if line]
    text = " ".join(lines[variant % len(lines):] + lines[: variant % len(lines)])
    while len(tokenizer(text, add_special_tokens=False)["input_ids"]) < tokens:
        text += " " + text
    ids = tokenizer(text, add_special_tokens=False)["input_ids"][:tokens]
    return tokenizer.decode(ids)


def measure(name: str, workdir: Path, backend: str, beams: int, batch_size: int, args: argparse.Namespace) -> dict:
    """Load ``name`` with ``backend`` and time one batch (median of the repeats), in this process."""
    from transformers.utils import logging as hf_logging

    from summarizers.methods.abstractive.generation import generate
    from summarizers.methods.abstractive.generation_settings import GenerationSettings
    from summarizers.methods.abstractive.loader import load_model

    hf_logging.disable_progress_bar()
    loaded = load_model(_spec(name, workdir, backend), _config(workdir, args.quantization, args.threads))
    assert loaded.backend == backend, loaded.backend
    settings = GenerationSettings(num_beams=beams, min_new_tokens=args.output_tokens,
                                  max_new_tokens=args.output_tokens, length_penalty=1.0,
                                  no_repeat_ngram_size=0, early_stopping=False)
    texts = [article(loaded.tokenizer, args.input_tokens, v) for v in range(batch_size)]
    generate(loaded, texts[:1], replace(settings, min_new_tokens=4, max_new_tokens=4), 1)  # warm-up
    runs = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        outputs = generate(loaded, texts, settings, batch_size)
        runs.append(time.perf_counter() - started)
        failed = [o for o in outputs if not isinstance(o, str)]
        if failed:
            raise SystemExit(f"{name} ({backend}): generation failed: {failed[0]}")
    per_summary = statistics.median(runs) / batch_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"model": name, "backend": backend, "beams": beams, "batch_size": batch_size,
            "seconds_per_summary": round(per_summary, 3), "summaries_per_second": round(1 / per_summary, 3),
            "peak_rss_mb": round(peak, 1), "dtype": loaded.dtype}


def _child(argv: list[str]) -> list[str]:
    return [sys.executable, "-m", "benchmarks.bench_abstractive", *argv]


def _csv(value: str, kind: type = str) -> list[Any]:
    return [kind(v.strip()) for v in value.split(",") if v.strip()]


def build_parser() -> argparse.ArgumentParser:
    """The benchmark's command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default="distilbart-cnn-12-6",
                        help=f"comma-separated, from {', '.join(ARCHITECTURES)} (default distilbart-cnn-12-6)")
    parser.add_argument("--backends", default=",".join(BACKENDS), help="comma-separated (default both)")
    parser.add_argument("--beams", default="1,4", help="comma-separated beam counts (default 1,4)")
    parser.add_argument("--batch-sizes", default="1,8", help="comma-separated (default 1,8)")
    parser.add_argument("--input-tokens", type=int, default=600, help="tokens per input (default 600)")
    parser.add_argument("--output-tokens", type=int, default=60, help="forced output length (default 60)")
    parser.add_argument("--repeats", type=int, default=1, help="timed runs per setting (median; default 1)")
    parser.add_argument("--threads", type=int, default=os.cpu_count(),
                        help="intra-op threads of both backends (default: the core count)")
    parser.add_argument("--quantization", default="int8", help="CTranslate2 weights (default int8)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where the random models are saved (default: a temporary directory)")
    parser.add_argument("--json", action="store_true", help="print one JSON list of results")
    parser.add_argument("--_prepare", help=argparse.SUPPRESS)
    parser.add_argument("--_measure", help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Prepare the models, measure each setting in its own process, print the results."""
    parser = build_parser()
    args = parser.parse_args(argv)
    backends = _csv(args.backends)
    if args._prepare:
        prepare(args._prepare, args.workdir, backends, args.quantization)
        return 0
    if args._measure:
        name, backend, beams, size = args._measure.split(":")
        print(json.dumps(measure(name, args.workdir, backend, int(beams), int(size), args)))
        return 0
    models = _csv(args.models)
    for bad, allowed, what in ((models, ARCHITECTURES, "model"), (backends, BACKENDS, "backend")):
        unknown = [m for m in bad if m not in allowed]
        if unknown:
            parser.error(f"unknown {what}(s) {', '.join(unknown)}; choose from {', '.join(allowed)}")
    beams, sizes = _csv(args.beams, int), _csv(args.batch_sizes, int)
    if min(beams + sizes) < 1:
        parser.error("beams and batch sizes must be at least 1")
    with tempfile.TemporaryDirectory(prefix="bench-abstractive-") as tmp:
        workdir = args.workdir or Path(tmp)
        common = ["--workdir", str(workdir), "--backends", ",".join(backends), "--quantization", args.quantization,
                  "--input-tokens", str(args.input_tokens), "--output-tokens", str(args.output_tokens),
                  "--repeats", str(args.repeats), "--threads", str(args.threads)]
        _note(f"cpu_count={os.cpu_count()} threads={args.threads} machine={platform.machine()} "
              f"input_tokens={args.input_tokens} output_tokens={args.output_tokens} quantization={args.quantization}")
        if not args.json:
            print(f"{'model':<22} {'backend':<13} {'beams':>5} {'batch':>5} {'s/summary':>10} "
                  f"{'summaries/s':>12} {'peak RSS MB':>12}", flush=True)
        rows = []
        for name in models:
            started = time.perf_counter()
            subprocess.run(_child(["--_prepare", name, *common]), check=True)
            _note(f"# {name}: random model saved{' and converted' if 'ctranslate2' in backends else ''} "
                  f"in {time.perf_counter() - started:.0f}s")
            for beam in beams:
                for size in sizes:
                    for backend in backends:
                        done = subprocess.run(_child(["--_measure", f"{name}:{backend}:{beam}:{size}", *common]),
                                              check=True, capture_output=True, text=True)
                        row = json.loads(done.stdout.strip().splitlines()[-1])
                        rows.append({k: row[k] for k in KEYS})
                        if not args.json:
                            print(f"{name:<22} {backend:<13} {beam:>5} {size:>5} {row['seconds_per_summary']:>10.2f} "
                                  f"{row['summaries_per_second']:>12.3f} {row['peak_rss_mb']:>12.0f}", flush=True)
                        else:
                            _note(json.dumps(row))
    if args.json:
        print(json.dumps(rows, indent=2))
    return 0


def _note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
