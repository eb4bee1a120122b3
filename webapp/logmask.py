"""Log records pass through the personal-data mask, whoever wrote them.

Access and error logs of the dev server and of gunicorn print paths, request lines and
header names. Before the mask reads a line it is made readable the way the resident
typed it: percent-escapes decoded (twice, for double encoding; `+` left as it is),
`\\xNN`/`\\uNNNN` escapes and UTF-8 read as Latin-1 (gunicorn's PATH_INFO) turned back into text.
After masking, control characters are escaped so a `%0A` in a path cannot forge lines."""
from __future__ import annotations

import logging
import re
from urllib.parse import unquote

from kb import mask_for_record

MASKED_LOGGERS = ("", "werkzeug", "gunicorn.access", "gunicorn.error", "webapp", "kb")
_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U00(?:0[0-9a-fA-F]|10)[0-9a-fA-F]{4})")
_LATIN1_RUN = re.compile(r"[\x80-\xff]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_READ_AGAIN = re.compile(r"[%\\\x80-\xff]")  # the only characters `readable` acts on


def _utf8(raw: bytes, fallback: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return fallback


def readable(message: str) -> str:
    """The text a log line stands for: escapes and mis-decoded UTF-8 undone."""
    for _ in range(2):
        message = unquote(message, errors="replace")
    message = _ESCAPE.sub(lambda m: chr(int(m.group()[2:], 16)), message)  # repr() of bytes read as Latin-1
    return _LATIN1_RUN.sub(lambda m: _utf8(m.group().encode("latin-1"), m.group()), message)


def escape_controls(text: str) -> str:
    """Newlines and other control characters as visible escapes: one record, one line."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


def safe_log_text(message: str) -> str:
    """A log message made readable, personal data masked, on one line."""
    return _safe_and_settled(message)[0]


def _safe_and_settled(message: str) -> tuple[str, bool]:
    """(safe_log_text(message), True when masking that again provably gives it back: nothing
    was masked or escaped and no character `readable` acts on is left)."""
    text = readable(message)
    masked = mask_for_record(text)
    safe = escape_controls(masked.text)
    return safe, not masked.found and safe == text and not _READ_AGAIN.search(safe)


class PersonalDataFilter(logging.Filter):
    """Rewrites each record's message (and traceback) with personal data masked.

    It sits on loggers and on their handlers, so a record is often filtered twice. When the
    first pass left a message that masking again would give back unchanged (an access-log
    line with nothing to mask), the second pass skips the work: the same text either way."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            settled = record.__dict__.get("_kb_settled")  # set by an earlier pass of this filter
            if settled is None or settled is not record.msg or record.args is not None:
                self._mask_message(record)
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = mask_for_record(readable(record.exc_text)).text
        except Exception as error:  # noqa: BLE001 - the line is withheld, never dropped unmasked
            record.msg, record.args, record.exc_info, record.exc_text = (
                f"(log line withheld: the personal-data mask failed with {type(error).__name__})", None, None, None)
            record._kb_settled = record.msg
        return True

    @staticmethod
    def _mask_message(record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg, settled = _safe_and_settled(message)
        record.args = None
        record._kb_settled = record.msg if settled else None


def install_log_masking() -> None:
    """Attach the filter to the loggers and to every handler already installed."""
    log_filter = PersonalDataFilter()
    for name in MASKED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, PersonalDataFilter) for f in logger.filters):
            logger.addFilter(log_filter)
        for handler in logger.handlers:
            if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
                handler.addFilter(log_filter)
