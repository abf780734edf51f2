"""``cuakhau counterpart play``: a small real client of the counterpart API that
plays the other side from a scenario file (its acceptance per hour, its
answers about our trucks), signing
each request as ``counterpart.signing`` says. For the demo and the tests; the
other side's own system speaks the same API (docs/counterpart.md)."""

import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cuakhau.counterpart import signing
from cuakhau.counterpart.schemas import MAX_ANSWERS_IN_MESSAGE, TruckAnswerKind
from cuakhau.models.enums import CrossingState, Direction, HandoverMode


class HoursAccepted(BaseModel):
    """``trucks`` an hour, from ``hours[0]`` to ``hours[1]`` (inclusive), on the day
    ``day`` days after the day the scenario is played."""

    model_config = ConfigDict(extra="forbid")
    day: int = Field(ge=0, le=13)
    hours: tuple[int, int]
    direction: Direction
    trucks: int = Field(ge=0, le=10_000)


class AnswerRule(BaseModel):
    """Answer ``trucks`` of the crossings in our feed that match (a handover
    mode, a state; either left out matches all) with ``answer``."""

    model_config = ConfigDict(extra="forbid")
    answer: TruckAnswerKind
    handover_mode: HandoverMode | None = None
    state: CrossingState | None = None
    trucks: int = Field(1, ge=1, le=MAX_ANSWERS_IN_MESSAGE)
    reason: str | None = Field(None, min_length=3, max_length=200)
    loaded: bool | None = None


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    acceptance: list[HoursAccepted] = Field(min_length=1)
    # Sent after the acceptance, about the trucks our feed shows then.
    answers: list[AnswerRule] = Field(default_factory=list)


class ScenarioError(Exception):
    pass


def read_scenario(path: Path) -> Scenario:
    try:
        return Scenario.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ScenarioError(f"{path}: cannot be read ({error})") from None
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise ScenarioError(f"{path}: {problems}") from None


def messages(scenario: Scenario, today: date) -> list[dict[str, Any]]:
    """One acceptance message per day of the scenario, in day order."""
    by_day: dict[int, list[dict[str, Any]]] = {}
    for block in scenario.acceptance:
        first, last = block.hours
        by_day.setdefault(block.day, []).extend(
            {
                "day": (today + timedelta(days=block.day)).isoformat(),
                "hour": hour,
                "direction": block.direction.value,
                "trucks": block.trucks,
            }
            for hour in range(first, last + 1)
        )
    return [{"kind": "acceptance", "acceptance": hours} for _, hours in sorted(by_day.items())]


def answers(rules: list[AnswerRule], feed: dict[str, Any]) -> dict[str, Any] | None:
    """One answers message about the crossings in our feed (``expected``) the
    rules match, each crossing answered once, by the first rule that takes it;
    None when none matches."""
    given: dict[int, dict[str, Any]] = {}
    for rule in rules:
        matching = [
            c
            for c in feed["crossings"]
            if c["crossing_id"] not in given
            and rule.handover_mode in (None, HandoverMode(c["handover_mode"]))
            and rule.state in (None, CrossingState(c["state"]))
        ]
        for crossing in matching[: rule.trucks]:
            answer = {"crossing_id": crossing["crossing_id"], "answer": rule.answer}
            extra = {"reason": rule.reason, "loaded": rule.loaded}
            given[crossing["crossing_id"]] = answer | {
                k: v for k, v in extra.items() if v is not None
            }
    return {"kind": "answers", "answers": list(given.values())} if given else None


class CounterpartRefused(Exception):
    def __init__(self, status: int, answer: dict[str, Any]):
        super().__init__(f"{status}: {answer.get('detail', answer)}")
        self.status = status
        self.answer = answer


@dataclass
class CounterpartClient:
    base_url: str
    key_id: str
    secret: str
    clock: Callable[[], float] = time.time
    sent: dict[int, dict[str, Any]] = field(default_factory=dict)

    def _call(self, method: str, path: str, body: bytes = b"") -> tuple[int, dict[str, Any]]:
        prefix = urlsplit(self.base_url).path.rstrip("/")
        headers = signing.signed_headers(
            self.key_id, self.secret, int(self.clock()), method, prefix + path, body
        )
        if body:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(
            self.base_url.rstrip("/") + path, data=body or None, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise CounterpartRefused(error.code, json.loads(error.read() or b"{}")) from None

    def status(self) -> dict[str, Any]:
        return self._call("GET", "/api/v1/counterpart/status")[1]

    def expected(self, hours: int = 6, language: str = "vi") -> dict[str, Any]:
        return self._call(
            "GET", f"/api/v1/counterpart/expected-crossings?hours={hours}&lang={language}"
        )[1]

    def send(self, sequence: int, content: dict[str, Any]) -> dict[str, Any]:
        """One message numbered ``sequence``; what the server names as missing
        is sent again from what this client sent."""
        message = {"message_id": uuid.uuid4().hex, "sequence": sequence, **content}
        self.sent[sequence] = message
        answer = self._post(message)
        for number in answer.get("missing", []):
            if number in self.sent:
                answer = self._post(self.sent[number])
        return answer

    def _post(self, message: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(message, ensure_ascii=False).encode()
        return self._call("POST", "/api/v1/counterpart/messages", body)[1]

    def next_sequence(self) -> int:
        status = self.status()
        return max([status["applied_through"], *status["waiting"]]) + 1
