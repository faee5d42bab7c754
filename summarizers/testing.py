"""Helpers for tests and demos: tiny seq2seq models built locally, no download.

:func:`make_tiny_model` trains a small tokenizer with the ``tokenizers`` library on a few
built-in sentences, builds a BART, PEGASUS or T5 model with random weights, and saves both with
``save_pretrained``, so that the production loader reads them through ``from_pretrained``
exactly as it reads a real model. The output is gibberish; shapes, lengths, batching and
the whole loading path are real.

Needs the ``abstractive`` extra (``torch``, ``transformers``, ``tokenizers``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

Architecture = Literal["bart", "t5", "pegasus"]
ARCHITECTURES = ("bart", "t5", "pegasus")

#: Text the tiny tokenizers are trained on (news-like English, with sentence punctuation).
TRAINING_TEXT = """\
The government announced on Tuesday that it would raise spending on schools and hospitals.
Officials said the plan would be paid for by higher taxes on tobacco and alcohol.
Critics warned that the figures did not add up and that families would pay more.
Shares in the company rose by 5% after it reported record profits for the year.
The chief executive said demand in Asia and Europe had been stronger than expected.
Analysts expect the central bank to keep interest rates unchanged next month.
The team won the championship after a dramatic final match in London on Saturday.
The coach praised his players for their hard work and said the season was the best ever.
Police said two men had been arrested and charged with theft and criminal damage.
The film, which cost $40m to make, took more than $120m at the box office.
Scientists have found that the new drug cuts the risk of heart attack by a third.
The minister told reporters: "We will not stand by while prices keep rising."
Voters go to the polls next week in an election that could change the country's future.
Heavy rain caused flooding in the north of the country, and thousands of homes lost power.
The festival will return in June with music, theatre and film from around the world.
"""

#: Sizes of the tiny models: small enough to build and run in a fraction of a second.
TINY_SIZES: dict[str, int] = {"d_model": 32, "layers": 2, "heads": 2, "ffn": 64}


def train_tokenizer(architecture: Architecture, vocab_size: int = 600,
                    texts: list[str] | None = None) -> Any:
    """A ``transformers`` fast tokenizer trained locally with ``tokenizers``.

    BART gets a byte-level BPE (``<s>``=0, ``<pad>``=1, ``</s>``=2, ``<unk>``=3,
    ``<mask>``=4, inputs wrapped as ``<s> … </s>``); T5 and PEGASUS a Unigram model with
    Metaspace (``<pad>``=0, ``</s>``=1, ``<unk>``=2, inputs ended by ``</s>``).

    Raises:
        ValueError: an unknown architecture.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    lines = texts or [line for line in TRAINING_TEXT.splitlines() if line.strip()]
    if architecture == "bart":
        special = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
        tok = Tokenizer(models.BPE())
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.decoder = decoders.ByteLevel()
        tok.train_from_iterator(lines, trainers.BpeTrainer(
            vocab_size=vocab_size, special_tokens=special, show_progress=False,
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
        tok.post_processor = processors.TemplateProcessing(
            single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
        return PreTrainedTokenizerFast(
            tokenizer_object=tok, bos_token="<s>", pad_token="<pad>", eos_token="</s>", unk_token="<unk>",
            mask_token="<mask>", model_max_length=1024)
    if architecture in ("t5", "pegasus"):
        special = ["<pad>", "</s>", "<unk>"]
        tok = Tokenizer(models.Unigram())
        tok.pre_tokenizer = pre_tokenizers.Metaspace()
        tok.decoder = decoders.Metaspace()
        tok.train_from_iterator(lines, trainers.UnigramTrainer(
            vocab_size=vocab_size, special_tokens=special, unk_token="<unk>", show_progress=False))
        tok.post_processor = processors.TemplateProcessing(
            single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", 1)])
        return PreTrainedTokenizerFast(
            tokenizer_object=tok, pad_token="<pad>", eos_token="</s>", unk_token="<unk>", model_max_length=512)
    raise ValueError(f"architecture must be one of {', '.join(ARCHITECTURES)}, got {architecture!r}")


def tiny_config(architecture: Architecture, vocab_size: int, max_positions: int = 1024) -> Any:
    """A tiny ``BartConfig``, ``PegasusConfig`` or ``T5Config`` with the special token ids of
    the real models; ``max_positions`` sizes the position tables (BART, PEGASUS).

    Raises:
        ValueError: an unknown architecture.
    """
    from transformers import BartConfig, PegasusConfig, T5Config

    d, layers, heads, ffn = (TINY_SIZES[k] for k in ("d_model", "layers", "heads", "ffn"))
    if architecture == "bart":
        return BartConfig(
            vocab_size=vocab_size, d_model=d, encoder_layers=layers, decoder_layers=layers,
            encoder_attention_heads=heads, decoder_attention_heads=heads, encoder_ffn_dim=ffn,
            decoder_ffn_dim=ffn, max_position_embeddings=max_positions, bos_token_id=0, pad_token_id=1,
            eos_token_id=2, decoder_start_token_id=2, forced_bos_token_id=0, forced_eos_token_id=2,
            scale_embedding=False, init_std=0.5, dropout=0.0, attention_dropout=0.0,
        )
    if architecture == "pegasus":
        return PegasusConfig(
            vocab_size=vocab_size, d_model=d, encoder_layers=layers, decoder_layers=layers,
            encoder_attention_heads=heads, decoder_attention_heads=heads, encoder_ffn_dim=ffn,
            decoder_ffn_dim=ffn, max_position_embeddings=max_positions, pad_token_id=0, eos_token_id=1,
            decoder_start_token_id=0, forced_eos_token_id=1, activation_function="relu", scale_embedding=True,
            init_std=0.5, dropout=0.0, attention_dropout=0.0,
        )
    if architecture == "t5":
        return T5Config(
            vocab_size=vocab_size, d_model=d, d_kv=d // heads, d_ff=ffn, num_layers=layers,
            num_decoder_layers=layers, num_heads=heads, relative_attention_num_buckets=32,
            pad_token_id=0, eos_token_id=1, decoder_start_token_id=0, feed_forward_proj="relu",
            initializer_factor=4.0, dropout_rate=0.0,
        )
    raise ValueError(f"architecture must be one of {', '.join(ARCHITECTURES)}, got {architecture!r}")


def make_tiny_model(path: str | Path, architecture: Architecture = "bart", *, seed: int = 0,
                    vocab_size: int = 600, max_positions: int = 1024) -> Path:
    """Build and save a tiny random ``architecture`` model with its tokenizer under ``path``.

    ``max_positions`` sizes the position tables of BART and PEGASUS (a small one tests the
    token budget caps; T5's relative positions have none).

    The saved directory loads with ``AutoTokenizer``/``AutoModelForSeq2SeqLM.from_pretrained``.
    Its generation config mimics the real summarization models' (beams, length penalty,
    n-gram blocking, min/max length), scaled down.

    Raises:
        ValueError: an unknown architecture.
    """
    import torch
    from transformers import AutoModelForSeq2SeqLM, GenerationConfig
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    out = Path(path)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = train_tokenizer(architecture, vocab_size)
    config = tiny_config(architecture, len(tokenizer), max_positions)
    torch.manual_seed(seed)
    model = AutoModelForSeq2SeqLM.from_config(config)
    ids = {k: getattr(config, k) for k in ("bos_token_id", "pad_token_id", "eos_token_id",
                                             "decoder_start_token_id") if getattr(config, k, None) is not None}
    if architecture == "bart":
        ids.update(forced_bos_token_id=0, forced_eos_token_id=2)
    if architecture == "pegasus":
        ids.update(forced_eos_token_id=1)
    model.generation_config = GenerationConfig(
        num_beams=2, length_penalty=2.0, no_repeat_ngram_size=3, early_stopping=True, min_length=8,
        max_length=60, **ids)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out
