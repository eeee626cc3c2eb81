"""The shipped int8 reader gives fp32's logits, and the same ones on a CPU without VNNI.

The fixed batch (tests/fixtures/reader-check.npz, written by train/quantize.py when the model is
exported) holds 48 held-out windows and the fp32 model's logits for them.

Tolerances: at export the card records how far the int8 model's logits are from fp32's on 256
held-out windows (``quantization.fp32_agreement``: largest and mean difference, share of
windows with the same best start and end token); the test allows twice the differences and
0.1 less agreement on its 48 windows, room for this CPU's rounding but not for a broken or
saturating kernel, whose errors run to whole logits.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rag.read.neural.reader import CARD_FILE, MODEL_FILE, shipped_dir
from rag.read.neural.windows import EncodedBatch
from train.quantize import CHECK_FILE, agreement, run_model

# Largest logit difference allowed between this CPU and an emulated AVX2 one (qemu's Haswell):
# the shipped model differed by 0.10 on these windows, from float rounding in its fp32 parts;
# the same model quantised with 8-bit signed weights, which saturate there, by 0.49.
ACROSS_CPUS = 0.25
# conftest.py's (folder, process) of the emulated run it started when this test was collected
EMULATED_RUN = pytest.StashKey[tuple[Path, "subprocess.Popen[str]"]]()


def _check() -> tuple[EncodedBatch, tuple[np.ndarray, np.ndarray], dict]:  # type: ignore[type-arg]
    data = np.load(CHECK_FILE)
    ids = data["input_ids"]
    batch = EncodedBatch(
        ids,
        data["attention_mask"],
        data["token_type_ids"],
        np.zeros(ids.shape, bool),
        np.zeros((*ids.shape, 2), np.int64),
    )
    card = json.loads((shipped_dir() / CARD_FILE).read_text(encoding="utf-8"))
    assert str(data["model_sha256"]) == card["sha256"], "rebuild with `make train-reader`"
    return batch, (data["start_logits"], data["end_logits"]), card


def test_int8_logits_follow_fp32_on_a_fixed_batch() -> None:
    batch, fp32, card = _check()
    at_export = card["quantization"]["fp32_agreement"]
    result = agreement(fp32, run_model(shipped_dir() / MODEL_FILE, batch), batch)
    assert result["max_abs"] <= 2 * at_export["max_abs"], result
    assert result["mean_abs"] <= 2 * at_export["mean_abs"], result
    assert result["same_best_tokens"] >= at_export["same_best_tokens"] - 0.1, result


_RUN = """
import sys, numpy as np
from train.quantize import run_model
from tests.test_reader_check import _check
from rag.read.neural.reader import MODEL_FILE, shipped_dir
batch, _, _ = _check()
small = type(batch)(*(a[:6] for a in (batch.input_ids, batch.attention_mask,
                    batch.token_type_ids, batch.context, batch.offsets)))
np.savez(sys.argv[1], *run_model(shipped_dir() / MODEL_FILE, small))
"""


EMULATED_TEST = "test_an_avx2_cpu_without_vnni_gives_the_same_logits"


def _command(emulate: bool, out: Path) -> list[str]:
    qemu = shutil.which("qemu-x86_64")
    assert qemu, "qemu-user is missing: `make test` installs it (apt-get install qemu-user)"
    return [*([qemu, "-cpu", "Haswell"] if emulate else []), sys.executable, "-c", _RUN, str(out)]


def start_emulated_run(folder: Path) -> subprocess.Popen[str]:
    """The emulated AVX2 run (about 50 s on one core), started when the suite is collected
    (tests/conftest.py) so that it runs beside the other tests; its logits go to
    ``folder``/avx2.npz."""
    root = Path(__file__).resolve().parent.parent
    with (folder / "avx2.log").open("w") as log:  # qemu's warnings would fill a pipe
        return subprocess.Popen(
            _command(True, folder / "avx2.npz"), cwd=root, stdout=log, stderr=log, text=True
        )


@pytest.mark.slow
def test_an_avx2_cpu_without_vnni_gives_the_same_logits(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    started = request.config.stash.get(EMULATED_RUN, None)
    folder, emulated = started or (tmp_path, start_emulated_run(tmp_path))
    root = Path(__file__).resolve().parent.parent
    here, there = tmp_path / "here.npz", folder / "avx2.npz"
    done = subprocess.run(
        _command(False, here), cwd=root, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    emulated.wait(timeout=600)
    assert emulated.returncode == 0, (folder / "avx2.log").read_text()[-2000:]
    a, b = np.load(here), np.load(there)
    mask = np.load(CHECK_FILE)["attention_mask"][:6].astype(bool)
    for key in a.files:
        assert np.abs(a[key] - b[key])[mask].max() <= ACROSS_CPUS
