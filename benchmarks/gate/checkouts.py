"""Other checkouts of cuakhau, run from this one: the booking benchmark's A/B
mode measures a before and an after side by side.

A checkout is a folder (used as it is, uncommitted changes included) or a git
revision of this repository, checked out with ``git worktree add --detach`` in
the run's scratch folder and removed on the way out. Its code runs in processes
of its own, from this venv, with its ``src`` first on ``PYTHONPATH`` and a
working directory in no checkout, so this venv's development install does not
shadow it: its ``cuakhau db upgrade`` (``upgrade``), the benchmark's steps
(``call``) and its server (``gatebench.live_server``).

Run as a script, this module is such a step's process:
``checkouts.py MODULE:FUNCTION ARGUMENTS.json`` calls a function of the
benchmarks here with the checkout's ``cuakhau`` imported, and writes its answer
beside the arguments.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import os
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, is_dataclass
from pathlib import Path
from typing import Any

import gatebench
from packaging.requirements import Requirement

REPO = gatebench.REPO


@dataclass(frozen=True)
class Checkout:
    """One side of an A/B: ``label`` A (before) or B (after), what the command
    line named, where its files are, and its commit (with uncommitted changes
    to tracked files, ``dirty``)."""

    label: str
    role: str
    named: str
    root: Path
    commit: str | None
    dirty: bool

    @property
    def source(self) -> Path:
        return self.root / "src"

    def __str__(self) -> str:
        commit = f" at {self.commit[:9]}{' + changes' if self.dirty else ''}" if self.commit else ""
        return f"{self.label} ({self.role}: {self.named}{commit})"


@contextmanager
def made(named: Sequence[str], scratch: Path) -> Iterator[list[Checkout]]:
    """The before and the after, as checkouts; the worktrees made for
    revisions are removed on the way out."""
    made_here: list[Path] = []
    try:
        yield [
            _checkout(label, role, name, scratch, made_here)
            for label, role, name in zip("AB", ("before", "after"), named, strict=True)
        ]
    finally:
        for path in made_here:
            removed = _git(REPO, "worktree", "remove", "--force", str(path), check=False)
            if removed is None:
                print(f"could not remove the worktree {path}: git worktree remove it")


def _checkout(label: str, role: str, name: str, scratch: Path, made_here: list[Path]) -> Checkout:
    folder = Path(name).expanduser()
    if (folder / "src" / "cuakhau" / "__init__.py").is_file():
        root = folder.resolve()
        commit = _git(root, "rev-parse", "HEAD", check=False)
        changes = _git(root, "status", "--porcelain", "--untracked-files=no", check=False)
        return Checkout(label, role, name, root, commit, bool(changes))
    commit = _git(REPO, "rev-parse", "--verify", "--quiet", f"{name}^{{commit}}", check=False)
    if not commit:
        raise SystemExit(f"{name} is neither a checkout of cuakhau nor a revision of {REPO}")
    root = scratch / f"checkout-{label}-{commit[:9]}"
    _git(REPO, "worktree", "add", "--detach", "--quiet", str(root), commit)
    made_here.append(root)
    return Checkout(label, role, name, root, commit, False)


def _git(where: Path, *arguments: str, check: bool = True) -> str | None:
    done = subprocess.run(
        ["git", "-C", str(where), *arguments], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        if check:
            raise SystemExit(f"git {' '.join(arguments)} failed:\n{done.stderr}")
        return None
    return done.stdout.strip()


def missing_dependencies(checkout: Checkout) -> list[str]:
    """The checkout's ``[project] dependencies`` that this venv lacks, or holds
    at a version they exclude: its servers and steps run from this venv."""
    project = tomllib.loads((checkout.root / "pyproject.toml").read_text())["project"]
    missing = []
    for line in project.get("dependencies", []):
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        try:
            version = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(line)
            continue
        if not requirement.specifier.contains(version, prereleases=True):
            missing.append(line)
    return missing


def environment(checkout: Checkout) -> dict[str, str]:
    """This process's environment with the checkout's code first on the path."""
    return {**os.environ, "PYTHONPATH": str(checkout.source)}


def upgrade(checkout: Checkout, database_url: str, scratch: Path) -> None:
    """The checkout's own ``cuakhau db upgrade`` on the database: its
    migrations, and whatever else its upgrade installs."""
    folder = Path(tempfile.mkdtemp(prefix=f"upgrade-{checkout.label}-", dir=scratch))
    command, env = gatebench.cuakhau_process(database_url, folder, checkout.source)
    log = folder / "output.log"
    with log.open("wb") as output:
        done = subprocess.run(
            [*command, "db", "upgrade"],
            cwd=folder,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if done.returncode != 0:
        raise SystemExit(f"cuakhau db upgrade of {checkout} failed:\n{log.read_text()[-3000:]}")
    gatebench.check_imported_from(log, checkout.source)


class StepFailed(Exception):
    pass


def call_each(steps: Sequence[tuple[Checkout, str, list[Any]]], scratch: Path) -> list[Any]:
    """``module:function(*arguments)`` with each checkout's code, all at once,
    each in a process of its own; their JSON answers, in order. A step whose
    ``cuakhau`` came from anywhere but its checkout fails."""
    running = []
    for checkout, function, arguments in steps:
        name = f"step-{checkout.label}-{function.replace(':', '.')}-"
        folder = Path(tempfile.mkdtemp(prefix=name, dir=scratch))
        (folder / "arguments.json").write_text(json.dumps(arguments))
        with (folder / "output.log").open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), function, "arguments.json"],
                cwd=folder,
                env=environment(checkout),
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        running.append((checkout, function, folder, process))
    answers = []
    for checkout, function, folder, process in running:
        if process.wait() != 0:
            log = (folder / "output.log").read_text(errors="replace")
            raise StepFailed(f"{function} with {checkout} failed:\n{log[-3000:]}")
        answer = json.loads((folder / "answer.json").read_text())
        imported = Path(answer["cuakhau"]).resolve()
        if not imported.is_relative_to(checkout.source.resolve()):
            raise StepFailed(f"{function} for {checkout} imported cuakhau from {imported}")
        answers.append(answer["answer"])
    return answers


def call(checkout: Checkout, function: str, arguments: list[Any], scratch: Path) -> Any:
    return call_each([(checkout, function, arguments)], scratch)[0]


def _step(function: str, arguments: Path) -> None:
    """One step, in the checkout's process: its answer and which cuakhau it
    imported, written beside its arguments. This folder is first on the path
    (the script's own), the checkout's ``src`` next."""
    module, name = function.split(":")
    answer = getattr(importlib.import_module(module), name)(*json.loads(arguments.read_text()))
    import cuakhau

    (arguments.parent / "answer.json").write_text(
        json.dumps({"cuakhau": cuakhau.__file__, "answer": answer}, default=_plain)
    )


def _plain(value: object) -> object:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return str(value)


if __name__ == "__main__":
    _step(sys.argv[1], Path(sys.argv[2]))
