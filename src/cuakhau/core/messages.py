"""User-facing messages, Vietnamese first, English available.

The texts live in gettext catalogues, ``cuakhau/locale/<language>/LC_MESSAGES/
cuakhau.po``, so translators work with their usual tools. Message ids are stable
codes that also appear in API problem responses, so integrators can match on them
whatever the language; entity names carry the context ``entity``.
"""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib.resources import files
from typing import Any

from babel.messages.pofile import read_po
from starlette.requests import HTTPConnection

from cuakhau.core.numbers import format_percent

LANGUAGES = ("vi", "en")
# The pages drivers read (the display board, a driver's own page) also speak
# Chinese, for the drivers from the other side; their catalogue holds those
# pages' texts only.
DRIVER_LANGUAGES = (*LANGUAGES, "zh")
DOMAIN = "cuakhau"
ENTITY_CONTEXT = "entity"


@cache
def catalogue(language: str) -> Mapping[tuple[str, str | None], str]:
    """One language's texts by (code, context), read once per process."""
    path = files("cuakhau") / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as po_file:
        entries = read_po(po_file, locale=language, domain=DOMAIN)
    return {
        (str(message.id), message.context): str(message.string)
        for message in entries
        if message.id and message.string
    }


def has_message(key: str) -> bool:
    return (key, None) in catalogue(LANGUAGES[0])


def pick_language(
    conn: HTTPConnection, default: str = "vi", languages: tuple[str, ...] = LANGUAGES
) -> str:
    """``?lang=`` first, then the Accept-Language header, then the default."""
    query = conn.query_params.get("lang")
    if query in languages:
        return query
    header = conn.headers.get("accept-language", "")
    for part in header.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in languages:
            return code
    return default


def translate(key: str, language: str, **params: Any) -> str:
    template = catalogue(language).get((key, None))
    if template is None:
        return key
    localised = {name: _localised(name, value, language) for name, value in params.items()}
    try:
        return template.format(**localised)
    except (KeyError, IndexError):
        return template


# Parameters that hold a code a person should read in words, and the prefix of
# those words in the catalogues: a crossing's state, an account's role, where a
# camera read a plate, a handover mode, a transload's state, a gate's lane.
WORD_PARAMS = {
    "state": "state_",
    "from_state": "state_",
    "to_state": "state_",
    "role": "role_",
    "point": "read_point_",
    "mode": "handover_mode_",
    "transload_from": "transload_state_",
    "transload_to": "transload_state_",
    "lane": "lane_",
}


def _localised(name: str, value: Any, language: str) -> Any:
    if name == "entity":
        return entity_name(value, language)
    if name in WORD_PARAMS:
        return catalogue(language).get((f"{WORD_PARAMS[name]}{value}", None), value)
    if name == "confidence":
        # A camera's confidence (0.55) reads as a percentage, as the language writes it.
        try:
            return format_percent(Decimal(str(value)), language)
        except InvalidOperation:
            return value
    return value


def entity_name(entity: str, language: str) -> str:
    return catalogue(language).get((entity, ENTITY_CONTEXT), entity)
