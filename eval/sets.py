"""Eval sets: read JSONL (one question a line) and convert official SQuAD 2.0 files.

A line: ``{"id", "question", "answers": [...], "evidence": [...], "answerable", "article"?}``
(format in eval/README.md). Bad lines are reported with their line number and skipped; a set
with no valid line is an error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rag.errors import RagError


class EvalSetError(RagError):
    """The eval set cannot be used (missing, unreadable, or no valid line)."""


class EvalLine(BaseModel):
    """One JSONL line, validated at the boundary."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    answers: list[str] = []
    evidence: list[str] = []
    answerable: bool
    article: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> EvalLine:
        if self.answerable and not self.answers:
            raise ValueError("an answerable question needs at least one answer")
        if not self.answerable and (self.answers or self.evidence):
            raise ValueError("an unanswerable question must have empty answers and evidence")
        return self


@dataclass(frozen=True)
class EvalItem:
    id: str
    question: str
    answers: tuple[str, ...]
    evidence: tuple[str, ...]
    answerable: bool
    article: str  # key into the run's articles: a resolved path, or "squad:<title>"


@dataclass(frozen=True)
class EvalSet:
    items: tuple[EvalItem, ...]
    problems: tuple[str, ...]  # "line 7: …" for each skipped line
    articles: dict[str, str]  # key -> article text, for sets that carry their own (SQuAD)
    name: str


def read_jsonl(path: Path, default_article: Path | None = None) -> EvalSet:
    """Items of a JSONL set. A line's ``article`` (relative to the set file) wins over
    ``default_article``; a line with neither is a problem."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise EvalSetError(f"Eval set not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalSetError(f"Could not read the eval set {path}: {exc}") from exc

    items, problems, seen = [], [], set()
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            line = EvalLine.model_validate(json.loads(raw))
        except json.JSONDecodeError as exc:
            problems.append(f"line {number}: not JSON ({exc.msg})")
            continue
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "line"
            problems.append(f"line {number}: {where}: {first['msg']}")
            continue
        if line.id in seen:
            problems.append(f"line {number}: duplicate id {line.id!r}")
            continue
        if line.article:
            article = (path.parent / line.article).resolve()
        elif default_article is not None:
            article = default_article.resolve()
        else:
            problems.append(f"line {number}: no article (give one in the line or --article)")
            continue
        seen.add(line.id)
        items.append(
            EvalItem(
                line.id,
                line.question,
                tuple(line.answers),
                tuple(line.evidence),
                line.answerable,
                str(article),
            )
        )
    if not items:
        detail = f" ({problems[0]})" if problems else ""
        raise EvalSetError(f"No valid question in {path}{detail}.")
    return EvalSet(tuple(items), tuple(problems), {}, path.stem)


@dataclass(frozen=True)
class SquadQuestion:
    id: str
    question: str
    answers: tuple[str, ...]  # gold answer texts as given (repeats kept); empty if unanswerable
    paragraph: int  # 1-based paragraph of the article that holds the question


@dataclass(frozen=True)
class SquadArticle:
    title: str
    text: str  # the paragraphs joined by a blank line: the whole-article setting
    questions: tuple[SquadQuestion, ...]


def read_squad_articles(path: Path, max_articles: int | None = None) -> list[SquadArticle]:
    """Articles of an official SQuAD 2.0 JSON file, each question tagged with its paragraph."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))["data"]
        out = []
        for entry in data[:max_articles]:
            questions = [
                SquadQuestion(
                    qa["id"],
                    qa["question"],
                    () if qa.get("is_impossible") else tuple(a["text"] for a in qa["answers"]),
                    number,
                )
                for number, paragraph in enumerate(entry["paragraphs"], start=1)
                for qa in paragraph["qas"]
            ]
            text = "\n\n".join(p["context"].strip() for p in entry["paragraphs"])
            out.append(SquadArticle(entry["title"], text, tuple(questions)))
    except FileNotFoundError as exc:
        raise EvalSetError(f"SQuAD file not found: {path}") from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise EvalSetError(f"{path} is not an official SQuAD 2.0 JSON file: {exc}") from exc
    return out


def read_squad(path: Path, max_articles: int | None = None) -> EvalSet:
    """Items from an official SQuAD 2.0 JSON file.

    Each title's paragraphs, joined by a blank line, become one article; question ids are
    kept; gold answer texts are both the answers and the evidence; ``is_impossible`` questions
    become unanswerable.
    """
    items, articles = [], {}
    for squad in read_squad_articles(path, max_articles):
        key = f"squad:{squad.title}"
        articles[key] = squad.text
        for q in squad.questions:
            golds = tuple(dict.fromkeys(q.answers))
            items.append(EvalItem(q.id, q.question, golds, golds, bool(golds), key))
    if not items:
        raise EvalSetError(f"No questions found in {path}.")
    return EvalSet(tuple(items), (), articles, path.stem)
