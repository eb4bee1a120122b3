"""Log records pass through the personal-data mask, whoever wrote them.

Access logs of the dev server and of gunicorn print request lines, and a query string
can hold a personal number typed into the search box (percent-encoded, too)."""
from __future__ import annotations

import logging
from urllib.parse import unquote_plus

from kb import mask_personal_data

MASKED_LOGGERS = ("", "werkzeug", "gunicorn.access", "gunicorn.error", "webapp", "kb")


class PersonalDataFilter(logging.Filter):
    """Rewrites each record's message with personal data masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_data(unquote_plus(message))
        if masked.found:
            record.msg, record.args = masked.text, None
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
