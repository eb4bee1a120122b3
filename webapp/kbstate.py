"""The knowledge base loaded in this process, switched when `kb build` publishes a new one.

Every request asks for the current version: one readlink. Opening a version is all or
nothing: it is read into memory and checked (files, counts, a probe question); any
failure rejects it for good (versions never change once published), logs it once, and
the last good version stays in service. Nothing here is opened at import time."""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from kb import (IndexCorrupt, IndexNotFound, KBError, KnowledgeBase, current_link_target, current_version_path,
                verify_version)

log = logging.getLogger(__name__)
REASON_CHARS = 300


def open_checked(path: Path) -> KnowledgeBase:
    """The version at `path`, opened and verified; any failure raises."""
    kb = KnowledgeBase(path)
    verify_version(kb)
    return kb


def _reason(error: Exception) -> str:
    text = str(error) if isinstance(error, KBError) else f"{type(error).__name__}: {error}"
    return text[:REASON_CHARS]


class IndexHolder:
    """The current KnowledgeBase of one process (shared by its threads)."""

    def __init__(self, index_dir: Path | str, opener=open_checked):
        self.index_dir = Path(index_dir)
        self._open = opener
        self._kb: KnowledgeBase | None = None
        self._path: Path | None = None
        self._seen: str | None = None  # the `current` link target last followed
        self.rejected: dict[str, str] = {}  # version folder name → why it was not served
        self._lock = threading.Lock()
        # Ranking is CPU work: one question at a time per process, as with sync workers.
        # More at once only thrash two cores (the encoder runs outside the GIL); the other
        # threads are for clients that are slow to send or read.
        self.ranking = threading.Lock()

    def get(self) -> KnowledgeBase:
        """The newest version that opened; IndexNotFound/IndexCorrupt if none ever did."""
        target = current_link_target(self.index_dir)
        if target is not None and target == self._seen and self._kb is not None:
            return self._kb  # `current` unchanged since it was last followed: one readlink
        path = current_version_path(self.index_dir)
        if path is not None and path != self._path and path.name not in self.rejected:
            with self._lock:
                if path != self._path and path.name not in self.rejected:
                    self._switch(path)
        if path is not None:
            self._seen = target
        if self._kb is None:
            if path is None:
                raise IndexNotFound(self.index_dir)
            raise IndexCorrupt(self.index_dir, self.rejected.get(path.name, "not opened"))
        return self._kb

    def _switch(self, path: Path) -> None:
        try:
            fresh = self._open(path)
        except Exception as error:  # noqa: BLE001 — any failure rejects the version
            self.rejected[path.name] = _reason(error)
            log.error("index version %s rejected (%s); still serving %s", path.name,
                      self.rejected[path.name], self._path.name if self._path else "nothing")
            return
        # The previous version is not closed here: a request in another thread may still
        # hold it. It is released when garbage-collected (it lives in memory only).
        self._kb, self._path = fresh, path
        log.info("serving index version %s", fresh.version)

    @property
    def loaded(self) -> bool:
        """True once some version is being served."""
        return self._kb is not None
