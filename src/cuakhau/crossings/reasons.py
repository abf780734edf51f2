"""Why the system moved a crossing, kept as a catalogue key and its values.

A reason the system gives (``Reason``) is stored as its code and parameters, so
every reader hears it in their own language; beside them the record keeps its
English wording, for whoever reads the table or the API's ``reason``. A reason a
person typed is kept as typed. A hold's grounds are kept the same way on the
crossing (``hold_grounds``).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cuakhau.core.messages import translate

# The grounds that hold a declared crossing, as reason codes.
INSPECTION = "inspection"
QUARANTINE = "quarantine"


@dataclass(frozen=True)
class Reason:
    """``code`` names the catalogue's ``reason_<code>``. A ``channel`` value is a
    customs channel; a list value is a list of reason codes (a hold's grounds)."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def say(self, language: str) -> str:
        return say_reason(self.code, self.params, language)


def told(reason: Reason) -> dict[str, Any]:
    """A reason as a notice's payload carries it: the code and values for a
    receiver that says it in its own language, and the English wording."""
    return {"reason": reason.say("en"), "reason_code": reason.code, "reason_params": reason.params}


def say_reason(code: str, params: Mapping[str, Any], language: str) -> str:
    words = {name: _word(name, value, language) for name, value in params.items()}
    return translate(f"reason_{code}", language, **words)


def say_grounds(grounds: Sequence[str], language: str) -> str:
    return "; ".join(translate(f"reason_{ground}", language) for ground in grounds)


def _word(name: str, value: Any, language: str) -> str:
    if isinstance(value, list):
        return say_grounds(value, language)
    if name == "channel":
        return translate(f"channel_{value}", language)
    return str(value)


def said(
    reason: str | None, code: str | None, params: Mapping[str, Any] | None, language: str
) -> str:
    """A recorded reason in ``language``: the system's from its code, a person's
    as typed."""
    if code is not None:
        return say_reason(code, params or {}, language)
    return reason or "—"
