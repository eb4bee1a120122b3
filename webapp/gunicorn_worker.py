"""gunicorn's workers, except that their own 400 pages never echo personal data.

When gunicorn cannot parse a request it answers itself, quoting the bad request line or
header name in the page and in its error log. The quoted parts are masked first.
gunicorn.conf.py (the Procfile's settings) uses MaskingThreadWorker."""
from __future__ import annotations

from gunicorn.workers.gthread import ThreadWorker
from gunicorn.workers.sync import SyncWorker

from kb import mask_for_record

from .logmask import readable

MASKED = "(personal data masked)"  # gunicorn writes its page in Latin-1: no Japanese marker


class MaskingErrors:
    """A worker whose parse errors carry masked text."""

    def handle_error(self, req, client, addr, exc):
        for name, value in list(vars(exc).items()):
            if isinstance(value, (str, bytes)):
                text = value.decode("latin-1") if isinstance(value, bytes) else value
                try:
                    found = mask_for_record(readable(text)).found
                except Exception:  # noqa: BLE001 - what cannot be checked is not echoed
                    found = True
                if found:
                    setattr(exc, name, MASKED)
        super().handle_error(req, client, addr, exc)


class MaskingSyncWorker(MaskingErrors, SyncWorker):
    """SyncWorker whose parse errors carry masked text."""


class MaskingThreadWorker(MaskingErrors, ThreadWorker):
    """gthread worker whose parse errors carry masked text."""
