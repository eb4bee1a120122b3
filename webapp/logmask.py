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

from kb import mask_personal_data

MASKED_LOGGERS = ("", "werkzeug", "gunicorn.access", "gunicorn.error", "webapp", "kb")
_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U00(?:0[0-9a-fA-F]|10)[0-9a-fA-F]{4})")
_LATIN1_RUN = re.compile(r"[\x80-\xff]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


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
    return escape_controls(mask_personal_data(readable(message)).text)


class PersonalDataFilter(logging.Filter):
    """Rewrites each record's message (and traceback) with personal data masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg, record.args = safe_log_text(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(readable(record.exc_text)).text
        return True


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
