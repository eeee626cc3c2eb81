"""Follow-up questions: "What did he say next?" after an answer about Peskov.

The extractive backend replaces a third-person pronoun with the most recent fitting name in
the conversation (people for he/she, organisations and places for they/it), read from the
last turns with spaCy. LLM backends ask the model to rewrite the question from the history
(prompts/rewrite_*.txt) and fall back to the same pronoun rule when it fails.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.messages import HumanMessage, SystemMessage

from rag.generate.templates import render_prompt
from rag.types import Answer

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from spacy.language import Language

    from rag.config import Settings

log = logging.getLogger(__name__)

PERSON_PRONOUNS = {"he": "", "she": "", "him": "", "her": "", "his": "’s", "hers": "’s"}
GROUP_PRONOUNS = {"they": "", "them": "", "their": "’s", "it": "", "its": "’s"}
GROUP_LABELS = ("ORG", "GPE", "NORP")
PRONOUN = re.compile(r"\b(" + "|".join({**PERSON_PRONOUNS, **GROUP_PRONOUNS}) + r")\b", re.I)
MARKER = re.compile(r"\s*\[\d+\]")
HISTORY_TURNS = 4


def has_pronoun(question: str) -> bool:
    return PRONOUN.search(question) is not None


def _recent_names(
    history: Sequence[dict[str, Any]], nlp: Language, labels: tuple[str, ...]
) -> str | None:
    """The last-mentioned entity with one of ``labels`` in the recent turns, newest first."""
    for turn in reversed(list(history)[-HISTORY_TURNS:]):
        text = MARKER.sub("", str(turn.get("content", "")))
        ents = [e for e in nlp(text).ents if e.label_ in labels]
        if ents:
            return ents[-1].text.removesuffix("’s").removesuffix("'s")
    return None


def resolve_followup(question: str, history: Sequence[dict[str, Any]], nlp: Language) -> str:
    """``question`` with its first third-person pronoun replaced by the name it points to.

    "What did he say next?" after "Who is Peskov?" -> "What did Peskov say next?"
    Unchanged when there is no history, no pronoun, or no fitting name.
    """
    match = PRONOUN.search(question)
    if not history or match is None:
        return question
    word = match.group(1).lower()
    is_person = word in PERSON_PRONOUNS
    name = _recent_names(history, nlp, ("PERSON",) if is_person else GROUP_LABELS)
    if name is None:
        return question
    suffix = (PERSON_PRONOUNS if is_person else GROUP_PRONOUNS)[word]
    return question[: match.start()] + name + suffix + question[match.end() :]


def format_history(history: Sequence[dict[str, Any]]) -> str:
    lines = []
    for turn in list(history)[-HISTORY_TURNS:]:
        who = "User" if turn.get("role") == "user" else "Assistant"
        lines.append(f"{who}: {MARKER.sub('', str(turn.get('content', '')))}")
    return "\n".join(lines)


def rewrite_with_model(
    question: str, history: Sequence[dict[str, Any]], model: BaseChatModel, settings: Settings
) -> str:
    """A standalone question written by the model; the question itself when there's nothing
    to resolve or the model's rewrite is unusable."""
    if not history or not has_pronoun(question):
        return question
    messages = [
        SystemMessage(render_prompt("rewrite_system", settings.prompts_dir)),
        HumanMessage(
            render_prompt(
                "rewrite_user",
                settings.prompts_dir,
                history=format_history(history),
                question=question,
            )
        ),
    ]
    try:
        rewritten = model.invoke(messages).text.strip().strip('"').splitlines()[0].strip()
    except Exception as exc:  # a failing backend must not block the question
        log.warning("question rewrite failed: %s", exc)
        return question
    if not rewritten or len(rewritten) > 3 * len(question) + 80:
        return question
    return rewritten


def noted(answer: Answer, asked: str, resolved: str) -> Answer:
    """``answer`` with "Understood as: …" in its note when the question was rewritten."""
    if resolved != asked:
        understood = f"Understood as: {resolved}"
        answer.note = f"{understood} {answer.note}".strip()
    return answer
