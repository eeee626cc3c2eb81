"""A non-editable install works away from the source tree: the wheel carries the reader,
the prompts, the examples and the web assets, and `rag ask` and `python app.py` run from it.

The wheel is built without build isolation (no network) and installed with --target into a
temporary folder; the commands run from another folder with only that one on PYTHONPATH, so
``import rag`` cannot reach this checkout. Dependencies come from the test's own environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def copy_source(target: Path) -> str:
    """The checkout's files (tracked, or new and not ignored) copied to ``target``: a build in
    place would leave build/ behind, whose stale files a later wheel could pick up."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return str(target)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the built wheel was installed into."""
    work = tmp_path_factory.mktemp("install")
    source = copy_source(work / "source")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    build = subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(work / "dist"), source],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = (work / "dist").glob("rag-*.whl")
    site = work / "site"
    install = subprocess.run(
        [*pip, "install", "--no-deps", "--target", str(site), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    return site


def run_from(site: Path, cwd: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site), "RAG_DATA_DIR": str(cwd / "data"), **extra}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


def test_the_wheel_carries_the_package_data(installed: Path) -> None:
    shipped = {str(p.relative_to(installed)) for p in installed.rglob("*") if p.is_file()}
    assert {
        "rag/read/neural/neural.onnx",
        "rag/read/neural/neural.json",
        "rag/read/neural/decision.json",
        "rag/prompts/answer_system.txt",
        "rag/prompts/rewrite_user.txt",
        "rag/app/examples/seed-article.txt",
        "rag/app/examples/questions.json",
        "rag/app/assets/app.js",
        "eval/sets/seed-article.jsonl",
        "bench/bench.py",
    } <= shipped
    assert not any(p.startswith(("train/", "prompts/", "tests/")) for p in shipped)


def test_the_installed_package_reads_its_own_prompts(installed: Path, tmp_path: Path) -> None:
    """The top-level prompts/ travels in the wheel as rag.prompts; rendering reads that copy."""
    code = (
        "from rag.generate.templates import render_prompt, shipped_prompts\n"
        "print(shipped_prompts())\n"
        "print(render_prompt('answer_user', sentences='[1] It rained.', question='Did it?'))\n"
    )
    shown = run_from(installed, tmp_path, "-c", code)
    assert shown.returncode == 0, shown.stderr
    folder, *rendered = shown.stdout.splitlines()
    assert folder == str(installed / "rag" / "prompts")
    assert "[1] It rained." in "\n".join(rendered) and "Did it?" in "\n".join(rendered)


def test_rag_ask_runs_from_the_installed_package(installed: Path, tmp_path: Path) -> None:
    where = run_from(installed, tmp_path, "-c", "import rag; print(rag.__file__)")
    assert where.stdout.strip() == str(installed / "rag" / "__init__.py")
    seed = installed / "rag" / "app" / "examples" / "seed-article.txt"
    asked = run_from(
        installed,
        tmp_path,
        "-m",
        "rag.cli",
        "ask",
        str(seed),
        "How much aid has the U.S. alone given?",
        RAG_READER="neural",
    )
    assert asked.returncode == 0, asked.stderr
    assert "$73 billion" in asked.stdout and "[16]" in asked.stdout
    prompt = run_from(
        installed,
        tmp_path,
        "-c",
        "from rag.generate.templates import render_prompt; "
        "print(render_prompt('answer_user', sentences='[1] x', question='Who?'))",
    )
    assert prompt.returncode == 0 and "Who?" in prompt.stdout, prompt.stderr


def test_app_py_serves_from_the_installed_package(
    installed: Path, tmp_path: Path, free_port: int
) -> None:
    from bench.app_bench import running_app

    shutil.copy(ROOT / "app.py", tmp_path / "app.py")  # the Space's entry, away from rag/
    env = {"PYTHONPATH": str(installed)}
    with running_app(free_port, str(tmp_path / "data"), env=env, cwd=tmp_path):
        url = f"http://127.0.0.1:{free_port}/"
        page = httpx.get(url, timeout=10)
        assert page.status_code == 200 and "Ask the article" in page.text
        info = httpx.get(f"{url}config", timeout=10).json()
        assert "Who ruled out sending troops?" in str(info)  # the shipped example chips
