"""Rebuilds started by editors run beside the requests, one at a time per process: a large
knowledge base with the semantic encoder takes minutes, longer than a request may last."""
from __future__ import annotations

import logging
import os
from concurrent.futures import Future, ThreadPoolExecutor

from flask import Flask

from kb import KBError, finish_edit, publish_alternate, shared_encoder

log = logging.getLogger(__name__)
_executors: dict[int, ThreadPoolExecutor] = {}


def _executor() -> ThreadPoolExecutor:
    """This process's worker thread, made after gunicorn's fork (threads do not survive one)."""
    pid = os.getpid()
    if pid not in _executors:
        _executors[pid] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-rebuild")
    return _executors[pid]


def start_publication(app: Flask, edit_id: int, entry_id: str, phrase: str) -> Future:
    """Add `phrase` to `entry_id`, rebuild and switch the index in the background; the edit
    record says when it is done, or why it failed."""
    return _executor().submit(_publish, app, edit_id, entry_id, phrase)


def _publish(app: Flask, edit_id: int, entry_id: str, phrase: str) -> None:
    engine = app.extensions["kb_records"].engine
    try:
        publication = publish_alternate(app.config["CONTENT_DIR"], app.config["INDEX_DIR"], entry_id, phrase,
                                        encoder=shared_encoder())
    except KBError as error:
        finish_edit(engine, edit_id, "failed", message=str(error))
    except Exception as error:  # the message could hold anything: only its kind is kept
        log.exception("one-step fix %s failed", edit_id)
        finish_edit(engine, edit_id, "failed", message=f"索引を作り直せませんでした（{type(error).__name__}）")
    else:
        finish_edit(engine, edit_id, "done" if publication.added else "unchanged", publication.version)
