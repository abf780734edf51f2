"""Numbers as each language writes them: 139.300.000.000 in Vietnamese,
139,300,000,000 in English, on pages, in exports and in the CLI alike."""

from decimal import Decimal
from functools import cache

from babel import Locale
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol
from babel.numbers import format_percent as babel_percent


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(language)


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def format_number(value: int | float | Decimal | None, language: str, decimals: int = 0) -> str:
    """``value`` with ``decimals`` places and the language's separators:
    1234567.5 → ``1.234.567,5`` (vi), ``1,234,567.5`` (en); None → ``—``."""
    if value is None:
        return "—"
    return format_decimal(value, format=_pattern(decimals), locale=_locale(language))


def separators(language: str) -> str:
    """The decimal sign then the group sign (``",."`` in Vietnamese), as a chart
    library asks for them (plotly's ``layout.separators``)."""
    return get_decimal_symbol(_locale(language)) + get_group_symbol(_locale(language))


def format_percent(share: float | Decimal | None, language: str, decimals: int = 0) -> str:
    """A share of one as the language writes a percentage: 0.551 → ``55,1%`` (vi),
    ``55.1%`` (en); None → ``—``."""
    if share is None:
        return "—"
    return babel_percent(share, format=_pattern(decimals) + "%", locale=_locale(language))
