"""The knowledge base loaded in this process, switched when `kb build` publishes a new one.

Every request asks for the current version: one readlink. When the index folder points
at a new version we open it; if that fails we keep serving the last good one and say
so in the log. Nothing here is opened at import time."""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from kb import KBError, KnowledgeBase, current_version_path
from kb import IndexNotFound

log = logging.getLogger(__name__)


class IndexHolder:
    """The current KnowledgeBase of one worker process."""

    def __init__(self, index_dir: Path | str):
        self.index_dir = Path(index_dir)
        self._kb: KnowledgeBase | None = None
        self._path: Path | None = None
        self._failed: Path | None = None  # a version that would not open: not retried
        self._lock = threading.Lock()

    def get(self) -> KnowledgeBase:
        """The newest version that opens; IndexNotFound/IndexCorrupt if none ever did."""
        path = current_version_path(self.index_dir)
        if path is not None and path != self._path and path != self._failed:
            with self._lock:
                if path != self._path:
                    self._switch(path)
        if self._kb is None:
            if path is None:
                raise IndexNotFound(self.index_dir)
            KnowledgeBase(path)  # raises the reason it cannot be opened
        return self._kb

    def _switch(self, path: Path) -> None:
        try:
            fresh = KnowledgeBase(path)
        except KBError as error:
            self._failed = path
            log.warning("new index version %s cannot be opened (%s); still serving %s",
                        path.name, error, self._path.name if self._path else "nothing")
            return
        # The previous version is not closed here: a request in another thread may still
        # hold it. Its files are released when it is garbage-collected.
        self._kb, self._path = fresh, path
        log.info("serving index version %s", fresh.version)

    @property
    def loaded(self) -> bool:
        """True once some version is being served."""
        return self._kb is not None
