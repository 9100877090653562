"""Which file a shipped text model is read from: the shipped artefact, or another one inside a ``use`` block."""
from __future__ import annotations

import contextlib
from pathlib import Path


class Override:
    """A stack of artefact paths that replace a model's shipped file inside ``use`` blocks (held-out evaluation
    fits a model on one half of the data and scores the other half with it)."""

    def __init__(self) -> None:
        self._paths: list[Path] = []

    @contextlib.contextmanager
    def use(self, path: Path | str):
        """Read the model from ``path`` inside the block (blocks nest; the innermost wins)."""
        self._paths.append(Path(path))
        try:
            yield
        finally:
            self._paths.pop()

    def path(self) -> Path | None:
        """The innermost override, or None outside every block."""
        return self._paths[-1] if self._paths else None
