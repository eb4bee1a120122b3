"""gunicorn's workers, with two changes.

Their own 400 pages never echo personal data: when gunicorn cannot parse a request it
answers itself, quoting the bad request line or header name in the page and in its error
log. The quoted parts are masked first.

A request reaches a thread only once it has fully arrived: gthread gives a thread to a
connection as soon as its first bytes come, and a client that then stalls holds it (eight
stalled sockets took /healthz down). Here the event loop reads the request head and a
small body without blocking, and closes connections that have not sent a whole request
within REQUEST_DEADLINE. Over TLS (gunicorn's own certfile) bytes cannot be read ahead, so
stock gthread behaviour applies; put the TLS proxy in front, as docs/deployment.md says.
gunicorn.conf.py (the Procfile's settings) uses MaskingThreadWorker."""
from __future__ import annotations

import re
import selectors
import time
from functools import partial

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


REQUEST_DEADLINE = 10.0  # seconds a client has to send a whole request (head and body)
READ_AHEAD_LIMIT = 64 * 1024  # past this, a request goes to a thread anyway (the app answers 413)
_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)")
_CHUNKED = re.compile(rb"\r\ntransfer-encoding:[^\r\n]*chunked")
_EXPECT = re.compile(rb"\r\nexpect:[ \t]*100-continue")


def request_complete(data: bytes) -> bool:
    """Whether `data` holds a whole request head and the body it announces."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return False
    head, body = data[:end].lower(), len(data) - end - 4
    if _EXPECT.search(head):
        return True  # the client waits for 100 Continue before it sends the body
    if length := _LENGTH.search(head):
        return body >= int(length.group(1))
    if _CHUNKED.search(head):
        return data.endswith(b"0\r\n\r\n")
    return True


class ReadAhead:
    """For ThreadWorker: requests are read in the event loop; threads get whole requests."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kb_reading: set = set()  # connections whose request is still arriving

    def enqueue_req(self, conn):
        ready = (getattr(conn, "kb_ready", False) or self.cfg.is_ssl
                 or getattr(self.cfg, "http2_cleartext", None) in ("prior-knowledge", "both")  # it sniffs the socket
                 or (conn.initialized and conn.parser.unreader.buf.getvalue()))
        if ready:
            conn.kb_ready = False
            return super().enqueue_req(conn)
        conn.kb_read, conn.kb_deadline = b"", time.monotonic() + REQUEST_DEADLINE
        conn.sock.setblocking(False)
        self.kb_reading.add(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._kb_readable, conn))

    def _kb_readable(self, conn, _sock):
        try:
            data = conn.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client went away
            self._kb_drop(conn)
            return
        conn.kb_read += data
        if request_complete(conn.kb_read) or len(conn.kb_read) > READ_AHEAD_LIMIT:
            self.poller.unregister(conn.sock)
            self.kb_reading.discard(conn)
            conn.kb_ready, conn.data_ready = True, True
            self.enqueue_req(conn)

    def _kb_drop(self, conn):
        try:
            self.poller.unregister(conn.sock)
        except (OSError, KeyError, ValueError):
            pass
        self.kb_reading.discard(conn)
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self):
        super().murder_pending()
        now = time.monotonic()
        for conn in [c for c in self.kb_reading if c.kb_deadline <= now]:
            self._kb_drop(conn)  # a whole request did not arrive in time

    def handle(self, conn):
        read = getattr(conn, "kb_read", b"")
        if read:
            conn.kb_read = b""
            conn.sock.setblocking(True)
            conn.init()
            conn.parser.unreader.unread(read)
        return super().handle(conn)


class MaskingThreadWorker(ReadAhead, MaskingErrors, ThreadWorker):
    """gthread worker whose requests reach a thread whole, and whose parse errors carry masked text."""
