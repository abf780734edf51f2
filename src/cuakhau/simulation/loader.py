"""Read a scenario file (or a shipped scenario by name) and refuse it with readable reasons."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from cuakhau.core.messages import translate
from cuakhau.simulation.messages import Problem
from cuakhau.simulation.scenario import Scenario, reference_problems

SHIPPED = Path(__file__).parent / "scenarios"

Model = TypeVar("Model", bound=BaseModel)


class ScenarioError(Exception):
    """A scenario that cannot be run: a message code, its parameters and the problems
    found, said in the reader's language by `render`."""

    def __init__(self, code: str, problems: list[Problem] | None = None, **params: Any) -> None:
        self.code = code
        self.params = params
        self.problems = problems or []
        super().__init__(self.render("en"))

    def render(self, language: str) -> str:
        lines = [translate(self.code, language, **self.params)]
        lines += [problem.line(language) for problem in self.problems]
        return "\n".join(lines)


def shipped_names() -> list[str]:
    return sorted(path.stem for path in SHIPPED.glob("*.yaml"))


def resolve(name: str | Path, relative_to: Path | None = None) -> Path:
    """A path to a file, or the name of a shipped scenario (with or without .yaml)."""
    candidates = [Path(name)]
    if relative_to is not None:
        candidates.append(relative_to / name)
        candidates.append(relative_to / f"{name}.yaml")
    candidates.append(SHIPPED / f"{Path(name).stem}.yaml")
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise ScenarioError("sim_scenario_not_found", name=str(name))


def load_scenario(name: str | Path) -> Scenario:
    path = resolve(name)
    raw = _read_with_extends(path, seen=())
    return parse_scenario(raw, label=str(path))


def load_raw(name: str | Path) -> dict[str, Any]:
    """A scenario file as the mapping it holds, `extends` resolved, not yet validated."""
    return _read_with_extends(resolve(name), seen=())


def dump_scenario(raw: dict[str, Any]) -> str:
    """YAML a person can read: one line per window, booking or profile, blocks elsewhere."""
    return yaml.dump(raw, Dumper=_ScenarioDumper, allow_unicode=True, sort_keys=False, width=100)


def parse_scenario(raw: dict[str, Any], label: str = "scenario") -> Scenario:
    scenario = validated(Scenario, raw, label)
    problems = reference_problems(scenario)
    if problems:
        raise invalid(label, problems)
    return scenario


def validated(
    model: type[Model], raw: object, label: str, code: str = "sim_scenario_invalid"
) -> Model:
    """`raw` read as `model`, or refused (`code` heads the list) with one problem per bad key."""
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise invalid(label, _pydantic_problems(error), code) from None


def _read_with_extends(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    """A scenario may say `extends: other` and change only what differs from it."""
    raw = _read_yaml(path)
    parent_name = raw.pop("extends", None)
    if parent_name is None:
        return raw
    parent_path = resolve(str(parent_name), relative_to=path.parent).resolve()
    if parent_path in seen or parent_path == path.resolve():
        raise ScenarioError("sim_scenario_extends_loop", path=path, name=parent_name)
    parent = _read_with_extends(parent_path, (*seen, path.resolve()))
    return _merge(parent, raw, path, where="")


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        detail = str(getattr(error, "problem_mark", "") or error).strip()
        problem = getattr(error, "problem", None)
        raise ScenarioError(
            "sim_scenario_not_yaml", path=path, detail=f"{problem}, {detail}"
        ) from None
    if not isinstance(raw, dict):
        raise ScenarioError("sim_scenario_not_mapping", path=path)
    return raw


def _merge(base: dict[str, Any], change: dict[str, Any], path: Path, where: str) -> dict[str, Any]:
    """Mappings merge key by key, and a `changes` list adds to the parent's (a closure
    written in the parent, Tết say, must not vanish because a child cut capacity too);
    `replace_changes: true` beside it replaces the parent's on purpose. Anything else,
    other lists included, is replaced whole."""
    merged = dict(base)
    replace = change.get("replace_changes") is True
    for key, value in change.items():
        inside = f"{where}.{key}" if where else key
        parent = merged.get(key)
        if key == "replace_changes" and isinstance(value, bool):
            continue
        if isinstance(value, dict):
            merged[key] = _merge(parent if isinstance(parent, dict) else {}, value, path, inside)
        elif key == "changes" and isinstance(value, list) and parent and not replace:
            merged[key] = _added_changes(parent, value, path, inside)
        else:
            merged[key] = value
    return merged


def _added_changes(parent: list[Any], added: list[Any], path: Path, where: str) -> list[Any]:
    """The parent's changes and then the child's, refusing what reads as a replacement:
    an empty list (meant to clear the parent's) or a change the parent has already
    (which would now apply twice)."""
    if not added:
        raise ScenarioError("sim_scenario_changes_empty", path=path, where=where)
    written = [_as_written(change) for change in parent]
    for change in added:
        if _as_written(change) in written:
            raise ScenarioError("sim_scenario_change_repeated", path=path, where=where)
    return [*parent, *added]


def _as_written(change: Any) -> Any:
    """A change as text, so a date read by YAML equals the same date quoted."""
    if not isinstance(change, dict):
        return change
    return {key: str(value) for key, value in change.items()}


def _pydantic_problems(error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        # Tagged unions add the tag name to the path; the planner never wrote it.
        location = [part for part in item["loc"] if not _is_union_tag(part, item)]
        bad_key = bool(location) and location[-1] == "[key]"
        if bad_key:
            location.pop()
        # The value shown beside the problem; never the whole file.
        shows_input = (
            bool(location)
            and item["type"] not in {"missing", "extra_forbidden"}
            and "input" in item
        )
        params = dict(item.get("ctx") or {})
        if "expected" in params:  # Pydantic's "'a', 'b' or 'c'": a list in any language
            params["expected"] = str(params["expected"]).replace("' or '", "', '")
        problems.append(
            Problem(
                _key_path(location),
                item["type"],
                params,
                bad_key=bad_key,
                got=repr(item["input"]) if shows_input else None,
                fallback=item["msg"],
            )
        )
    return problems


def _is_union_tag(part: object, item: Any) -> bool:
    return (
        isinstance(part, str)
        and item["type"] != "union_tag_invalid"
        and part
        in {
            "exponential",
            "deterministic",
            "lognormal",
            "gamma",
            "uniform",
            "triangular",
        }
    )


def _key_path(location: list[Any]) -> str:
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def invalid(
    label: str, problems: list[Problem], code: str = "sim_scenario_invalid"
) -> ScenarioError:
    return ScenarioError(code, problems, path=label, count=len(problems))


class _ScenarioDumper(yaml.SafeDumper):
    """One line for a window, a booking or a daily profile; blocks for the rest."""


def _flat(value: object) -> bool:
    return not isinstance(value, dict | list)


def _mapping(dumper: yaml.SafeDumper, data: dict[str, object]) -> yaml.Node:
    flow = all(_flat(value) for value in data.values()) and len(data) > 1
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


def _sequence(dumper: yaml.SafeDumper, data: list[object]) -> yaml.Node:
    flow = all(isinstance(value, int | float) for value in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_ScenarioDumper.add_representer(dict, _mapping)
_ScenarioDumper.add_representer(list, _sequence)
