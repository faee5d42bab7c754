"""Time abstractive summaries on random-weight models of the real summarization architectures.

The models are built from the public config values of ``sshleifer/distilbart-cnn-12-6`` and
``facebook/bart-large-cnn`` (no download); the cost of a summary depends on the architecture
and the output length, not on the weights, so the output length is forced
(``min_new_tokens == max_new_tokens``). Texts go through the library's own generation code
(tokenize with padding, ``model.generate``, decode) in batches of each size.

    python -m eval.bench_abstractive                      # both models, greedy, batches 1 4 8
    python -m eval.bench_abstractive --models distilbart-cnn-12-6 --beams 1,4 --threads 2

Prints seconds per summary and summaries per second for every model, beam count and batch
size, with the machine's core count. Figures on a shared machine are noisy: a benchmark,
not a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from typing import Any

#: Public config values (see each model's config.json): layers, and both are d_model 1024,
#: 16 heads, FFN 4096 (gelu), vocabulary 50264, 1024 positions.
ARCHITECTURES: dict[str, dict[str, int]] = {
    "distilbart-cnn-12-6": {"encoder_layers": 12, "decoder_layers": 6},
    "bart-large-cnn": {"encoder_layers": 12, "decoder_layers": 12},
}


def bart_config(name: str) -> Any:
    """A ``BartConfig`` with the real architecture of ``name`` (built by hand, no download)."""
    from transformers import BartConfig

    layers = ARCHITECTURES[name]
    return BartConfig(
        vocab_size=50264, d_model=1024, encoder_attention_heads=16, decoder_attention_heads=16,
        encoder_ffn_dim=4096, decoder_ffn_dim=4096, activation_function="gelu", max_position_embeddings=1024,
        bos_token_id=0, pad_token_id=1, eos_token_id=2, decoder_start_token_id=2, forced_bos_token_id=0,
        forced_eos_token_id=2, scale_embedding=False, normalize_before=False, add_final_layer_norm=False,
        **layers,
    )


def build(name: str, tokenizer: Any) -> Any:
    """A :class:`LoadedModel` of ``name``'s architecture with random weights."""
    import torch
    from transformers import BartForConditionalGeneration

    from summarizers.methods.abstractive.config import ModelSpec
    from summarizers.methods.abstractive.loader import LoadedModel

    torch.manual_seed(0)
    model = BartForConditionalGeneration(bart_config(name)).eval()
    model.generation_config.min_length = None
    model.generation_config.max_length = None
    return LoadedModel(
        spec=ModelSpec(name, f"random:{name}"), tokenizer=tokenizer, model=model,
        architecture=type(model).__name__, device="cpu", dtype="float32", max_input_tokens=1024, prefix="",
        defaults={}, tokens_per_word=1.3, special_tokens=2, load_seconds=0.0,
    )


def article(tokenizer: Any, tokens: int, variant: int) -> str:
    """News-like text of exactly ``tokens`` tokens for ``tokenizer`` (variants differ a little)."""
    from summarizers.testing import TRAINING_TEXT

    lines = TRAINING_TEXT.splitlines()
    text = " ".join(lines[variant % len(lines):] + lines[: variant % len(lines)])
    while len(tokenizer(text, add_special_tokens=False)["input_ids"]) < tokens:
        text += " " + text
    ids = tokenizer(text, add_special_tokens=False)["input_ids"][:tokens]
    return tokenizer.decode(ids)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one line per (model, beams, batch size)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default=",".join(ARCHITECTURES),
                        help=f"comma-separated, from {', '.join(ARCHITECTURES)} (default both)")
    parser.add_argument("--beams", default="1", help="comma-separated beam counts (default 1: greedy)")
    parser.add_argument("--batch-sizes", default="1,4,8", help="comma-separated (default 1,4,8)")
    parser.add_argument("--input-tokens", type=int, default=600, help="tokens per input (default 600)")
    parser.add_argument("--output-tokens", type=int, default=60, help="forced output length (default 60)")
    parser.add_argument("--repeats", type=int, default=1, help="timed runs per setting (median; default 1)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    args = parser.parse_args(argv)

    import torch
    from transformers.utils import logging as hf_logging

    from summarizers.methods.abstractive.generation import GenerationSettings, generate
    from summarizers.testing import train_tokenizer

    hf_logging.disable_progress_bar()
    if args.threads:
        torch.set_num_threads(args.threads)
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in models if m not in ARCHITECTURES]
    if unknown:
        parser.error(f"unknown model(s) {', '.join(unknown)}; choose from {', '.join(ARCHITECTURES)}")
    beams = [int(b) for b in args.beams.split(",")]
    sizes = [int(b) for b in args.batch_sizes.split(",")]
    tokenizer = train_tokenizer("bart", vocab_size=600)
    print(f"cpu_count={os.cpu_count()} torch_threads={torch.get_num_threads()} torch={torch.__version__} "
          f"machine={platform.machine()} input_tokens={args.input_tokens} output_tokens={args.output_tokens}")
    print(f"{'model':<22} {'beams':>5} {'batch':>5} {'s/summary':>10} {'summaries/s':>12}")
    for name in models:
        started = time.perf_counter()
        loaded = build(name, tokenizer)
        params = sum(p.numel() for p in loaded.model.parameters()) / 1e6
        print(f"# {name}: {params:.0f}M parameters, built in {time.perf_counter() - started:.1f}s")
        for beam in beams:
            settings = GenerationSettings(num_beams=beam, min_new_tokens=args.output_tokens,
                                          max_new_tokens=args.output_tokens, length_penalty=1.0,
                                          no_repeat_ngram_size=0, early_stopping=False)
            generate(loaded, [article(tokenizer, 32, 0)], settings, 1)  # warm-up
            for size in sizes:
                texts = [article(tokenizer, args.input_tokens, v) for v in range(size)]
                runs = []
                for _ in range(args.repeats):
                    t0 = time.perf_counter()
                    outputs = generate(loaded, texts, settings, size)
                    runs.append(time.perf_counter() - t0)
                    failed = [o for o in outputs if not isinstance(o, str)]
                    if failed:
                        print(f"# {name}: generation failed: {failed[0]}")
                        return 1
                per_summary = statistics.median(runs) / size
                print(f"{name:<22} {beam:>5} {size:>5} {per_summary:>10.2f} {1 / per_summary:>12.3f}", flush=True)
        del loaded
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
