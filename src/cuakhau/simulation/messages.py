"""The simulator's sentences: in the gettext catalogues, under keys that start ``sim_``.

A problem with a scenario is kept as a code and its parameters, not as a sentence,
so the command line and the planning page each say it in their own language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic_core import PydanticCustomError

from cuakhau.core.messages import has_message, translate


def refusal(code: str, **params: Any) -> PydanticCustomError:
    """A check of the scenario that failed, raised inside a Pydantic validator."""
    return PydanticCustomError(code, translate(code, "en", **params), params)


@dataclass(frozen=True)
class Problem:
    """What is wrong with a scenario (a message code and its parameters), and where."""

    where: str  # the key path in the file; empty for the file as a whole
    code: str  # a sim_ key, or Pydantic's error type (missing, int_parsing, ...)
    params: dict[str, Any] = field(default_factory=dict)
    bad_key: bool = False  # the key itself is wrong, not its value
    got: str | None = None  # the value the file gave, when it helps to see it
    fallback: str = ""  # Pydantic's English, for an error type no catalogue has

    def render(self, language: str) -> str:
        key = next((key for key in (self.code, f"sim_{self.code}") if has_message(key)), None)
        text = self.fallback if key is None else translate(key, language, **self.params)
        if self.bad_key:
            text = translate("sim_problem_bad_key", language, what=text)
        if self.got is not None:
            text = translate("sim_problem_got", language, what=text, value=self.got)
        return text

    def line(self, language: str) -> str:
        where = self.where or translate("sim_problem_top_level", language)
        return f"  - {where}: {self.render(language)}"
