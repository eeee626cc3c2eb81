"""The neural reader: a MiniLM span reader fine-tuned on SQuAD, run as int8 ONNX.

Input: question, Passages, Article. Output: Answer with a calibrated ``confidence``.
``windows.py`` makes and tokenizes the windows (a sentence led by the end of the one
before); ``reader.py`` runs the model and answers; ``spans.py`` picks each window's best
span from the logits; ``decision.py`` turns what the reader saw into P(right) and decides.
The model, its card and the decision file are package data built by ``make train-reader``.
"""
