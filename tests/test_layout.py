"""The shape of the code: stage folders, small files, imports that run one way.

Read from the source with ``ast`` (nothing is imported), except the last test, which checks in
a fresh interpreter that the default reader loads without spaCy or the rules.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("ingest", "index", "retrieve", "read", "asks", "generate", "app")
MAX_LINES = 300


def modules(package: str) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of ``package``."""
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported(path: Path) -> set[str]:
    """Modules ``path`` imports when it runs (at import time or inside a function), leaving out
    imports only type checkers see."""
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text("utf-8")))
    return names


def import_graph(package: str) -> dict[str, set[str]]:
    known = modules(package)
    return {name: {m for m in imported(path) if m in known} for name, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import circle, found by depth-first search (each reported from its first node).

    >>> cycles({"a": {"b"}, "b": {"a"}, "c": set()})
    [['a', 'b', 'a']]
    """
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            walk(start, [start])
    return found


def test_cycle_finder_worked_examples() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_every_stage_folder_says_its_job_first() -> None:
    for stage in STAGES:
        init = ROOT / "rag" / stage / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text("utf-8")))
        assert doc and "Input" in doc and "Output" in doc, f"rag/{stage}/__init__.py"


@pytest.mark.parametrize("folder", ["eval", "train", "bench"])
def test_each_top_level_folder_says_its_job_input_and_output(folder: str) -> None:
    doc = ast.get_docstring(ast.parse((ROOT / folder / "__init__.py").read_text("utf-8")))
    assert doc and "Input" in doc and "Output" in doc, f"{folder}/__init__.py"


def test_scoring_training_and_timing_each_keep_to_their_folder() -> None:
    """eval/ scores; train/ and bench/ may use its scoring, but eval/ imports neither, except
    ``rag-eval bench``, which hands its arguments to bench/bench.py."""
    leaks = {
        name: sorted(m for m in imported(path) if m.split(".")[0] in ("train", "bench"))
        for name, path in modules("eval").items()
    }
    assert {k: v for k, v in leaks.items() if v} == {
        "eval.cli": ["bench.bench", "bench.bench.main"]
    }
    assert not (ROOT / "eval" / "phrasings").exists()
    for mine in ("train_neural", "fit_decision", "quantize", "bench", "soak", "app_bench"):
        assert not (ROOT / "eval" / f"{mine}.py").exists()


def test_every_shipped_package_is_listed_for_the_wheel() -> None:
    """pyproject.toml lists its packages (prompts/ is mapped in as rag.prompts): a new
    folder of rag/, eval/ or bench/ must be listed too, or the wheel would lack it."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    folders = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("rag", "eval", "bench")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert set(config["packages"]) == folders | {"rag.prompts"}
    assert config["package-dir"] == {"rag.prompts": "prompts"}
    assert not (ROOT / "rag" / "generate" / "prompts").exists()
    assert sorted(p.name for p in (ROOT / "prompts").glob("*.txt")) == [
        "answer_system.txt",
        "answer_user.txt",
        "rewrite_system.txt",
        "rewrite_user.txt",
    ]


@pytest.mark.parametrize("package", ["rag", "eval", "train", "bench"])
def test_no_file_is_over_300_lines(package: str) -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in modules(package).values()
        if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_product_never_imports_its_scoring_training_or_timing() -> None:
    leaks = {
        name: sorted(m for m in imported(path) if m.split(".")[0] in ("eval", "train", "bench"))
        for name, path in modules("rag").items()
    }
    assert {k: v for k, v in leaks.items() if v} == {}


@pytest.mark.parametrize("package", ["rag", "eval", "train", "bench"])
def test_no_import_circle(package: str) -> None:
    assert cycles(import_graph(package)) == []


def test_only_one_module_touches_a_private_chroma_api() -> None:
    """rag/index/collection.py is the one place (tests/test_index.py checks the API still
    exists); any new use must go there too."""
    private = {
        str(p.relative_to(ROOT))
        for p in modules("rag").values()
        if "_identifier_to_system" in p.read_text("utf-8")
        or "._collection." in p.read_text("utf-8")
    }
    assert private <= {"rag/index/collection.py"}


def test_the_default_reader_loads_without_spacy_or_the_rules() -> None:
    code = (
        "import sys, threading\n"
        "from rag.config import Settings\n"
        "from rag.read.base import make_reader\n"
        "def no_nlp(): raise AssertionError('spaCy was asked for')\n"
        "make_reader(Settings(reader='neural'), load_nlp=no_nlp, nlp_lock=threading.Lock())\n"
        "loaded = sorted(m for m in sys.modules if m == 'spacy' or m.startswith('rag.read.rules'))\n"
        "print(loaded)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_an_editable_install_reads_the_clones_prompts_folder() -> None:
    """Editing prompts/answer_system.txt in a clone changes the next answer, no reinstall:
    the editable install maps rag.prompts onto the top-level folder itself."""
    from rag.generate.templates import load_template, shipped_prompts

    assert shipped_prompts().resolve() == ROOT / "prompts"
    assert load_template("answer_system") == (ROOT / "prompts" / "answer_system.txt").read_text(
        "utf-8"
    )
