"""The knowledge base's error family.

KBError
├── ContentError      a source document or curated file is malformed (path, line)
├── IndexNotFound     no built index where one was expected (path)
├── IndexCorrupt      an index exists but cannot be opened (path)
└── IndexWriteError   a new version could not be written, e.g. a full disk (path)
"""
from __future__ import annotations


class KBError(Exception):
    """Base of every error the knowledge base raises on purpose."""


class ContentError(KBError):
    """A content file cannot be ingested; names the file and line to fix."""

    def __init__(self, path, line: int | None, message: str):
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


class IndexNotFound(KBError):
    """No index has been built at `path`."""

    def __init__(self, path):
        self.path = str(path)
        super().__init__(
            f"no knowledge-base index at {self.path}; build it with: kb build --index {self.path}"
        )


class IndexCorrupt(KBError):
    """The index at `path` exists but cannot be read."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        super().__init__(
            f"the index at {self.path} cannot be read ({reason}); rebuild it with: "
            f"kb build --index {self.path}"
        )


class IndexWriteError(KBError):
    """A new version could not be written at `path`; the one being served is untouched."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        super().__init__(f"could not write a new index version at {self.path} ({reason}); "
                         "the index being served is unchanged")
