"""Whole-database backups and restores, with progress.

SQLite through its online backup API: pages are copied in steps, all from
one snapshot, while the server keeps serving; a restore writes the target in
one transaction.
PostgreSQL through ``pg_dump`` and ``pg_restore`` in their custom format, the
restore in one transaction. A backup is written beside its final name and
renamed when whole, so a failed one never passes for a good one. A restore
refuses a target that holds tables unless forced, and a backup whose schema
revision this code does not know (one made by a newer cuakhau).
"""

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, make_url, text
from sqlalchemy.exc import OperationalError

from cuakhau.core.database import make_engine
from cuakhau.core.procedure import missing_functions
from cuakhau.core.schema_version import current_revision, head_revision, known_revision
from cuakhau.crossings.booking import procedures

# (done, total), in whatever unit the step counts: pages, tables, archive entries.
Progress = Callable[[int, int], None]

# Pages copied per step of SQLite's backup (4 MiB of 4 KiB pages): a step of
# the progress bar.
SQLITE_STEP_PAGES = 1024
_SQLITE_MAGIC = b"SQLite format 3\x00"
_PG_DUMP_MAGIC = b"PGDMP"
_USER_TABLES = text(
    "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
)


class Kind(StrEnum):
    sqlite = "SQLite"
    postgresql = "PostgreSQL"


class BackupError(Exception):
    """A backup or restore that cannot go ahead, or failed; nothing was changed.
    ``code`` names its message in the catalogues."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class SchemaState(StrEnum):
    current = "current"
    behind = "behind"
    functions_missing = "functions_missing"


@dataclass(frozen=True)
class Restored:
    revision: str
    head: str
    state: SchemaState
    missing_functions: tuple[str, ...] = ()


def shown(database_url: str) -> str:
    """The database's URL as a person may see it: without its password."""
    return make_url(database_url).render_as_string(hide_password=True)


def kind_of_url(database_url: str) -> Kind:
    return Kind.sqlite if make_url(database_url).get_backend_name() == "sqlite" else Kind.postgresql


def kind_of_file(path: Path) -> Kind:
    try:
        with path.open("rb") as file:
            head = file.read(len(_SQLITE_MAGIC))
    except OSError:
        raise BackupError("restore_not_a_backup", file=path) from None
    if head == _SQLITE_MAGIC:
        return Kind.sqlite
    if head.startswith(_PG_DUMP_MAGIC):
        return Kind.postgresql
    raise BackupError("restore_not_a_backup", file=path)


@contextmanager
def _database_errors(database_url: str) -> Iterator[None]:
    """A database that cannot be reached or opened: said, not a traceback."""
    try:
        yield
    except (OperationalError, sqlite3.Error) as error:
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise BackupError(
            "backup_database_unreachable", database=shown(database_url), detail=detail
        ) from None


def backup(database_url: str, out: Path, *, overwrite: bool, progress: Progress) -> None:
    """Write the whole database to ``out``."""
    if out.exists() and not overwrite:
        raise BackupError("backup_exists", file=out)
    if not out.parent.is_dir():
        raise BackupError("backup_folder_missing", folder=out.parent)
    partial = out.with_name(f"{out.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        with _database_errors(database_url):
            _write_backup(database_url, partial, progress)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, out)


def _write_backup(database_url: str, partial: Path, progress: Progress) -> None:
    if kind_of_url(database_url) is Kind.sqlite:
        _sqlite_backup(_sqlite_file(database_url, must_exist=True), partial, progress)
    else:
        _pg_dump(database_url, partial, progress)


def restore(backup_file: Path, database_url: str, *, force: bool, progress: Progress) -> Restored:
    """Restore ``backup_file`` into the database, then say how its schema
    stands against this code's migrations."""
    kind = kind_of_file(backup_file)
    target = kind_of_url(database_url)
    if kind is not target:
        raise BackupError("restore_wrong_kind", file=backup_file, kind=kind, target=target)
    revision = backup_revision(backup_file, kind)
    if revision is None:
        raise BackupError("restore_no_revision", file=backup_file)
    if not known_revision(revision):
        raise BackupError(
            "restore_unknown_revision", file=backup_file, revision=revision, head=head_revision()
        )
    with _database_errors(database_url):
        tables = _table_count(database_url)
        if tables and not force:
            raise BackupError("restore_not_empty", database=shown(database_url), tables=tables)
        if kind is Kind.sqlite:
            _sqlite_restore(backup_file, _sqlite_file(database_url, must_exist=False), progress)
        else:
            _pg_restore(backup_file, database_url, clean=bool(tables), progress=progress)
        return _schema_state(database_url)


def backup_revision(path: Path, kind: Kind) -> str | None:
    """The Alembic revision the backup's schema is at; None without one."""
    if kind is Kind.sqlite:
        with closing(_read_only(path)) as connection:
            try:
                row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            except sqlite3.DatabaseError:
                return None
        return None if row is None else str(row[0])
    # The one table's data as a COPY block: its first line after the header.
    listing = _run_tool(
        "pg_restore", ["--data-only", "--table=alembic_version", "--file=-", str(path)]
    )
    match = re.search(r"^COPY [^\n]*alembic_version[^\n]*\n([^\n\\]+)\n", listing, re.M)
    return match.group(1).strip() if match else None


def _schema_state(database_url: str) -> Restored:
    engine = make_engine(database_url)
    try:
        revision = current_revision(engine) or ""
        head = head_revision()
        if revision != head:
            return Restored(revision, head, SchemaState.behind)
        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:
                missing = missing_functions(connection, procedures())
            if missing:
                return Restored(revision, head, SchemaState.functions_missing, tuple(missing))
        return Restored(revision, head, SchemaState.current)
    finally:
        engine.dispose()


def _table_count(database_url: str) -> int:
    if kind_of_url(database_url) is Kind.sqlite:
        path = _sqlite_file(database_url, must_exist=False)
        if not path.exists():
            return 0
        with closing(sqlite3.connect(path)) as connection:
            row = connection.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()
        return int(row[0])
    with _engine(database_url) as engine, engine.connect() as connection:
        return int(connection.execute(_USER_TABLES).scalar_one())


# --- SQLite ---------------------------------------------------------------


def _sqlite_file(database_url: str, *, must_exist: bool) -> Path:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupError("backup_sqlite_memory")
    path = Path(database)
    if must_exist and not path.is_file():
        raise BackupError("backup_sqlite_missing", path=path)
    if not path.parent.is_dir():
        raise BackupError("backup_folder_missing", folder=path.parent)
    return path


def _sqlite_copy(
    reader: sqlite3.Connection, target: Path, progress: Progress
) -> sqlite3.Connection:
    """Copy every page ``reader`` sees into ``target``, which it replaces whole
    in one transaction; the target's connection, open."""
    writer = sqlite3.connect(target, timeout=30)
    try:
        reader.backup(
            writer,
            pages=SQLITE_STEP_PAGES,
            progress=lambda _status, remaining, total: progress(total - remaining, total),
            sleep=0,
        )
    except BaseException:
        writer.close()
        raise
    return writer


def _sqlite_backup(source: Path, out: Path, progress: Progress) -> None:
    with closing(sqlite3.connect(source, timeout=30, isolation_level=None)) as reader:
        # One read transaction for the whole copy: every step reads the same
        # snapshot, so the servers' writes (which WAL lets go on meanwhile)
        # neither mix into it nor make the copy start again at each step.
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
        with closing(_sqlite_copy(reader, out, progress)) as writer:
            # One self-contained file (the copy keeps the source's WAL mode,
            # which needs files beside it even to be read).
            writer.execute("PRAGMA journal_mode = DELETE")
        reader.execute("ROLLBACK")


def _sqlite_restore(backup_file: Path, target: Path, progress: Progress) -> None:
    with closing(_read_only(backup_file)) as reader:
        _sqlite_copy(reader, target, progress).close()


def _read_only(path: Path) -> sqlite3.Connection:
    """A backup is read, never written: it may sit on a read-only mount."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


# --- PostgreSQL -----------------------------------------------------------


@contextmanager
def _engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url, pool_size=1)
    try:
        yield engine
    finally:
        engine.dispose()


def _libpq(database_url: str) -> tuple[str, dict[str, str]]:
    """The URL as libpq's tools take it, and their environment: the password
    goes there, not on a command line every user of the host can read."""
    url = make_url(database_url)
    conninfo = URL.create(
        "postgresql", username=url.username, host=url.host, port=url.port, database=url.database
    ).update_query_dict(dict(url.query))
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    return conninfo.render_as_string(hide_password=False), environment


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError("backup_tool_missing", tool=name)
    return found


def _run_tool(name: str, arguments: list[str], environment: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [_tool(name), *arguments], capture_output=True, text=True, env=environment, check=False
    )
    if done.returncode != 0:
        raise BackupError(
            "backup_tool_failed", tool=name, code=done.returncode, detail=_problem(done.stderr)
        )
    return done.stdout


def _problem(stderr: str) -> str:
    """What the tool said went wrong, without its running commentary."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    wrong = [line for line in lines if re.search(r": (error|detail|hint|fatal):", line, re.I)]
    return " ".join((wrong or lines)[-3:])


def _follow(
    name: str,
    arguments: list[str],
    environment: dict[str, str],
    step: re.Pattern[str],
    total: int,
    progress: Progress,
) -> None:
    """Run a verbose tool, counting its lines that match ``step`` as progress."""
    process = subprocess.Popen(
        [_tool(name), *arguments],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    assert process.stderr is not None
    said, done = [], 0
    progress(0, total)
    for line in process.stderr:
        said.append(line)
        if step.search(line):
            done = min(done + 1, total)
            progress(done, total)
    if process.wait() != 0:
        raise BackupError(
            "backup_tool_failed", tool=name, code=process.returncode, detail=_problem("".join(said))
        )
    progress(total, total)


_DUMPING = re.compile(r"dumping contents of table")
_RESTORING = re.compile(r"^pg_restore: (creating|processing data|executing|dropping) ")


def _pg_dump(database_url: str, out: Path, progress: Progress) -> None:
    with _engine(database_url) as engine, engine.connect() as connection:
        tables = int(connection.execute(_USER_TABLES).scalar_one())
    conninfo, environment = _libpq(database_url)
    arguments = ["--format=custom", "--verbose", f"--file={out}", f"--dbname={conninfo}"]
    _follow("pg_dump", arguments, environment, _DUMPING, max(tables, 1), progress)


def _pg_restore(backup_file: Path, database_url: str, *, clean: bool, progress: Progress) -> None:
    # Every entry of the archive's table of contents is a step of the restore.
    listing = _run_tool("pg_restore", ["--list", str(backup_file)])
    entries = sum(1 for line in listing.splitlines() if line.strip() and not line.startswith(";"))
    conninfo, environment = _libpq(database_url)
    arguments = [
        "--verbose",
        "--exit-on-error",
        # All or nothing: a failed restore leaves the target as it was.
        "--single-transaction",
        # The restoring role owns what it creates, whoever owned the original.
        "--no-owner",
        f"--dbname={conninfo}",
    ]
    if clean:
        arguments += ["--clean", "--if-exists"]
    steps = entries * (2 if clean else 1)
    _follow("pg_restore", [*arguments, str(backup_file)], environment, _RESTORING, steps, progress)
