"""Log lines: plain text for a person at a terminal, or one JSON object per line
for a log collector (``CUAKHAU_LOG_FORMAT=json``); each line logged while a
request is served carries that request's id.

The id lives in a context variable: the request's task sets it, and the
threads that run sync handlers and the server's access log line see it too
(both run in a copy of the request's context).
"""

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Literal

LogFormat = Literal["plain", "json"]

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# What a proxy or a client may hand us as a request id: short, printable, no
# spaces or quotes, so it cannot forge a log line or a header.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")

# Attributes every LogRecord has; anything else was passed with ``extra=``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
# Added by the filter (plain text's) and by uvicorn (coloured text's).
_OWN = {"request_id", "color_message"}


def request_id_from(header: str | None) -> str:
    """The caller's id when it is sane, else a new one."""
    if header is not None and _SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Stamps the current request's id (``-`` outside a request) on each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, request id,
    the exception if any, and whatever the caller passed with ``extra=``."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            # Read here, as the filter does: the line is formatted in the
            # logging call, in the context of whoever logged it.
            "request_id": request_id.get(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line and key not in _OWN:
                line[key] = value
        return json.dumps(line, ensure_ascii=False, default=str)


def logging_config(log_format: LogFormat, level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for the server: uvicorn's loggers and the
    app's (the root) on standard error, in the chosen format, each line with
    the request id. Given to uvicorn, it applies in every worker process."""
    plain = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
    formatter = {"()": f"{__name__}.JsonFormatter"} if log_format == "json" else {"format": plain}
    handler = {
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
        "formatter": "line",
        "filters": ["request_id"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": f"{__name__}.RequestIdFilter"}},
        "formatters": {"line": formatter},
        "handlers": {"stderr": handler},
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            name: {"handlers": [], "level": level, "propagate": True}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }
