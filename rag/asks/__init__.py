"""Asks: what a reader typed, recognised by kind, and the answers composed for each kind.

Input: the question as typed, the chat so far, and the loaded article (its sentences, their
stored embeddings, the retriever and the reader). Output: an Answer whose ``kind`` says what
was asked (rag/types.py ASK_KINDS) and whose every claim cites the article's own sentences.

    kinds.py     recognise an ask: overview, people, list, yes/no, why, how, fact, small
                 talk, another language (intents.py + intents.json: the fitted classifier)
    overview.py  3-5 sentences chosen for coverage (lead, centrality, MMR)
    people.py    the people an article names, each with the role it gives them
    lists.py     a span extended over every item of its coordinated list
    polarity.py  yes or no from the cited evidence (negation, antonyms), or neither
    smalltalk.py greetings, thanks and help; the English-only reply
    answerer.py  one answer path: recognise, then compose or read
"""
