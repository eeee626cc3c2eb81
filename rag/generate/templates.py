"""Prompt templates as files (prompts/*.txt), rendered strictly.

    render_prompt("answer_user", prompts_dir, sentences="[1] …", question="Who …?")

Templates use ``{name}`` fields (``{{`` and ``}}`` for literal braces). A field with no value
is a PromptError naming the file and every missing variable; values never go through
formatting themselves, so braces inside article text are safe.
"""

from __future__ import annotations

import string
from importlib import resources
from pathlib import Path

from rag.errors import PromptError


def template_fields(template: str) -> list[str]:
    """The field names a template uses, in order of first use.

    >>> template_fields("Q: {question} [{n}] {question}")
    ['question', 'n']
    """
    names: list[str] = []
    for _, field, _, _ in string.Formatter().parse(template):
        if field is not None and field not in names:
            if not field.isidentifier():
                raise PromptError(f"Prompt field {{{field}}} is not a plain name.")
            names.append(field)
    return names


def fill_template(template: str, values: dict[str, str], *, name: str = "prompt") -> str:
    """``template`` with every field replaced; PromptError lists the ones without a value."""
    fields = template_fields(template)
    missing = [f for f in fields if f not in values]
    if missing:
        raise PromptError(f"{name} needs {', '.join(missing)}: no value was given for them.")
    return template.format_map({f: values[f] for f in fields})


def shipped_prompts() -> Path:
    """The prompts folder: the clone's top-level prompts/, shipped as the package rag.prompts."""
    return Path(str(resources.files("rag.prompts")))


def load_template(name: str, prompts_dir: Path | None = None) -> str:
    path = (prompts_dir or shipped_prompts()) / f"{name}.txt"
    try:
        return path.read_text("utf-8")
    except OSError as exc:
        raise PromptError(f"Prompt file {path} could not be read: {exc.strerror or exc}.") from exc


def render_prompt(name: str, prompts_dir: Path | None = None, **values: str) -> str:
    """Load ``prompts/<name>.txt`` and fill it strictly."""
    return fill_template(load_template(name, prompts_dir), values, name=f"prompts/{name}.txt")
