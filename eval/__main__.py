"""``python -m eval``: the rag-eval command (eval/cli.py)."""

from eval.cli import main

main()
