"""The error tree. ``str(err)`` is always written for the user.

    RagError              base: message says what happened and what to do
    ├─ ArticleError         empty, unreadable, binary, boilerplate-only, bad or refused URL
    ├─ IndexingError        embedder or vector store failure
    ├─ QuestionError        empty, too long or wordless question
    ├─ BackendUnavailable   package, weights or server missing (message names the fix)
    │  └─ NotInstalled      an optional part this set-up left out (message names the command)
    └─ PromptError          a prompt file is missing or a template variable is unset

Only the edges (CLI, app, eval runner) catch ``RagError``.
"""


class RagError(Exception):
    """Base of every error the product raises on purpose."""


class ArticleError(RagError):
    """The article could not be loaded or has nothing to cite."""


class QuestionError(RagError):
    """The question cannot be asked as given."""


class IndexingError(RagError):
    """Embedding or storing the article's sentences failed."""


class BackendUnavailable(RagError):
    """A model backend or service is not installed, configured or reachable."""


class NotInstalled(BackendUnavailable):
    """An optional part (the local model) that this set-up did not install."""


class PromptError(RagError):
    """A prompt template could not be found or rendered."""
