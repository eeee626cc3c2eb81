"""Quantise the reader to int8 so that every x86 CPU gives the same answers.

    python -m train.quantize .cache/neural-reader/neural-fp32.onnx   # compare the modes
    ship(fp32, Path("rag/reader"), card, validation_examples, tokenizer)  # end of training

Dynamic int8 with signed weights (U8S8, onnxruntime's default) multiplies with ``vpmaddubsw``
on x86 CPUs without VNNI (AVX2, AVX-512 before VNNI): two u8 x s8 products are summed into a
signed 16-bit lane, which saturates, so the same model gives other logits there than on a CPU
with VNNI. 7-bit weights (``reduce_range``) keep every such sum within 16 bits.

Measured for the shipped reader (``python -m train.quantize``; 256 held-out windows against
fp32: mean / largest logit difference, share of windows with the same best start and end) and
across CPUs (8 windows, this AVX-512 VNNI machine against the same onnxruntime under
``qemu-x86_64 -cpu Haswell``, AVX2 without VNNI: largest logit difference):

    mode                            vs fp32              across CPUs
    u8s8 (the previous default)     0.30 / 3.83 / 0.84   0.49  (saturates)
    u8s8, reduce_range              0.64 / 5.45 / 0.72   0.0   (bit-identical, but coarse)
    u8s8, per-channel, reduce_range 0.13 / 2.68 / 0.89   0.10  (shipped)
    u8u8, per-channel               0.12 / 1.87 / 0.89   0.30

Per-tensor 7-bit weights were bit-identical across CPUs but cost the reader 6.5 points of
forced HasAns F1 on the held-out articles (0.662 against 0.719); per-channel 7-bit weights keep
fp32's accuracy and cannot saturate. What still differs across CPUs is float rounding in the
fp32 parts (attention, softmax, GELU), which can move an activation across a rounding step of
its dynamic quantisation: 0.10 at most, against 0.49 for the saturating default.
tests/test_reader_check.py runs the comparison again under qemu.

The shipped check (tests/fixtures/reader-check.npz): a fixed batch of held-out windows with
the fp32 model's logits, so a test can compare the shipped int8 model against fp32 on any CPU.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from rag.read.neural.reader import CARD_FILE, MODEL_FILE, file_sha256
from rag.read.neural.windows import EncodedBatch, encode_pairs

CHECK_FILE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "reader-check.npz"
CHECK_WINDOWS = 48  # windows in the shipped check batch
MODES: dict[str, dict[str, Any]] = {
    "u8s8": {"weight_type": "QInt8", "per_channel": False, "reduce_range": False},
    "u8s8-reduce-range": {"weight_type": "QInt8", "per_channel": False, "reduce_range": True},
    "u8s8-per-channel-reduce-range": {
        "weight_type": "QInt8",
        "per_channel": True,
        "reduce_range": True,
    },
    "u8u8": {"weight_type": "QUInt8", "per_channel": False, "reduce_range": False},
    "u8u8-per-channel": {"weight_type": "QUInt8", "per_channel": True, "reduce_range": False},
}
SHIPPED_MODE = "u8s8-per-channel-reduce-range"


def quantize(fp32: Path, out: Path, mode: str) -> Path:
    """Dynamic int8 quantisation of ``fp32`` into ``out`` with one of MODES."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    options = MODES[mode]
    quantize_dynamic(
        str(fp32),
        str(out),
        weight_type=getattr(QuantType, options["weight_type"]),
        per_channel=options["per_channel"],
        reduce_range=options["reduce_range"],
    )
    return out


def run_model(path: Path, batch: EncodedBatch) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) logits of the ONNX model at ``path`` on ``batch``, one thread."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.log_severity_level = 3
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    feed = {
        "input_ids": batch.input_ids,
        "attention_mask": batch.attention_mask,
        "token_type_ids": batch.token_type_ids,
    }
    start, end = session.run(None, feed)
    return start, end


def agreement(
    reference: tuple[np.ndarray, np.ndarray],
    other: tuple[np.ndarray, np.ndarray],
    batch: EncodedBatch,
) -> dict[str, float]:
    """How closely ``other``'s logits follow ``reference``'s on the real tokens of ``batch``:
    the largest and the mean absolute difference, and the share of windows whose best start
    and best end token are the same.

    >>> from rag.read.neural.windows import EncodedBatch
    >>> one = np.ones((1, 2), dtype=np.int64)
    >>> b = EncodedBatch(one, one, one * 0, one.astype(bool), np.zeros((1, 2, 2), np.int64))
    >>> agreement((np.array([[1.0, 2.0]]),) * 2, (np.array([[1.5, 2.0]]),) * 2, b)
    {'max_abs': 0.5, 'mean_abs': 0.25, 'same_best_tokens': 1.0}
    """
    real = batch.attention_mask.astype(bool)
    diffs = np.concatenate([np.abs(r - o)[real] for r, o in zip(reference, other, strict=True)])
    same = [
        np.argmax(np.where(real, r, -np.inf), axis=1)
        == np.argmax(np.where(real, o, -np.inf), axis=1)
        for r, o in zip(reference, other, strict=True)
    ]
    return {
        "max_abs": round(float(diffs.max()), 4),
        "mean_abs": round(float(diffs.mean()), 4),
        "same_best_tokens": round(float(np.mean(same[0] & same[1])), 4),
    }


def check_batch(pairs: list[tuple[str, str]], tokenizer: Any, max_tokens: int) -> EncodedBatch:
    return encode_pairs(tokenizer, pairs[:CHECK_WINDOWS], max_tokens)


def compare(fp32: Path, batch: EncodedBatch) -> dict[str, dict[str, float]]:
    """Each mode's agreement with fp32 on ``batch``."""
    reference = run_model(fp32, batch)
    out = {}
    with tempfile.TemporaryDirectory() as folder:
        for mode in MODES:
            quantized = quantize(fp32, Path(folder) / f"{mode}.onnx", mode)
            out[mode] = agreement(reference, run_model(quantized, batch), batch)
    return out


def ship(
    fp32: Path, out_dir: Path, card: dict[str, Any], validation: list[Any], tokenizer: Any
) -> Path:
    """Quantise ``fp32`` into ``out_dir``/neural.onnx (SHIPPED_MODE), write the card beside it
    with the fp32-vs-int8 agreement on held-out windows, and the check batch for the tests."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pairs = [(e.question, e.window) for e in validation]
    max_tokens = card["settings"]["max_tokens"]
    batch = encode_pairs(tokenizer, pairs[:256], max_tokens)
    shipped = quantize(fp32, out_dir / MODEL_FILE, SHIPPED_MODE)
    reference = run_model(fp32, batch)
    card.update(
        sha256=file_sha256(shipped),
        bytes=shipped.stat().st_size,
        quantization={
            "mode": SHIPPED_MODE,
            "options": MODES[SHIPPED_MODE],
            "why": "7-bit per-channel weights: no 16-bit sum saturates on CPUs without VNNI, "
            "and fp32's accuracy is kept (train/quantize.py)",
            "fp32_agreement": {
                "windows": len(batch.input_ids),
                **agreement(reference, run_model(shipped, batch), batch),
            },
        },
    )
    (out_dir / CARD_FILE).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    check = check_batch(pairs, tokenizer, max_tokens)
    start, end = run_model(fp32, check)
    np.savez_compressed(
        CHECK_FILE,
        input_ids=check.input_ids,
        attention_mask=check.attention_mask,
        token_type_ids=check.token_type_ids,
        start_logits=start,
        end_logits=end,
        model_sha256=np.array(card["sha256"]),
    )
    return shipped


def main(argv: list[str] | None = None) -> None:
    from tokenizers import Tokenizer

    from rag.models import embedding_model_path
    from rag.read.neural.reader import model_settings
    from train.neural_data import DATA, HELD_OUT_POOL, VALIDATION, Recipe, build_examples

    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("fp32", type=Path, help="the fp32 ONNX reader (make train-reader keeps it)")
    parser.add_argument("--windows", type=int, default=256)
    args = parser.parse_args(argv)
    settings = model_settings()
    tokenizer = Tokenizer.from_file(str(Path(embedding_model_path("packaged")) / "tokenizer.json"))
    recipe = Recipe(DATA / f"{HELD_OUT_POOL}.json", None, lead_words=settings["lead_words"])
    held = [e for e in build_examples([recipe], 0, skip=set()) if e.source in VALIDATION]
    batch = encode_pairs(tokenizer, [(e.question, e.window) for e in held[: args.windows]], 192)
    for mode, result in compare(args.fp32, batch).items():
        print(f"{mode:32} {json.dumps(result)}")


if __name__ == "__main__":
    main()
