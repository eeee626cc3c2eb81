"""The Hugging Face Space configuration agrees with the project's own."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def pyproject() -> dict:  # type: ignore[type-arg]
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))


def requirement_lines() -> list[str]:
    lines = (ROOT / "requirements.txt").read_text("utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith(("#", "-"))]


def front_matter() -> dict[str, str]:
    text = (ROOT / "README.md").read_text("utf-8")
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert match, "README.md must start with the Space's YAML front matter"
    pairs = (line.split(":", 1) for line in match.group(1).splitlines() if ":" in line)
    return {k.strip(): v.strip().strip('"') for k, v in pairs}


def test_requirements_txt_equals_the_project_dependencies() -> None:
    wanted = {str(Requirement(d)) for d in pyproject()["project"]["dependencies"]}
    listed = {str(Requirement(r)) for r in requirement_lines()}
    assert listed == wanted


def test_front_matter_runs_app_py_on_the_pinned_gradio_and_python() -> None:
    meta = front_matter()
    assert meta["sdk"] == "gradio"
    assert meta["app_file"] == "app.py" and (ROOT / "app.py").exists()
    pins = [Requirement(d) for d in pyproject()["project"]["dependencies"]]
    gradio = next(r for r in pins if r.name == "gradio")
    assert str(gradio.specifier) == f"=={meta['sdk_version']}"
    assert meta["python_version"] == "3.11"
    assert pyproject()["project"]["requires-python"] == ">=3.11"


def test_the_space_ships_its_start_article_inside_the_repository() -> None:
    from app import start_article_source
    from rag.config import Settings

    path = Path(start_article_source(Settings()))
    assert path.is_file() and path.read_text("utf-8").startswith("The Kremlin warned")
