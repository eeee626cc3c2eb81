"""Training and shipping what the default answerer has learned: ``make train-reader``.

Input: ../shared/data (SQuAD training articles and the seven held out for the decision) and,
for the intent classifier, the phrasings in train/phrasings/. Output: package data of rag/,
written in place: rag/read/neural/neural.onnx + neural.json (the int8 span reader and its card:
``train_neural`` with ``neural_data``, ``neural_model`` and ``quantize``),
rag/read/neural/decision.json (its answer decision: ``fit_decision``), rag/asks/intents.json
(``train_intents``), and the thresholds ``calibrate_support`` and ``sweep`` print for
rag/config.py. It scores with eval/; nothing in rag/ imports it, and the wheel does not ship it.
"""
