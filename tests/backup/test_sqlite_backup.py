"""SQLite's backup copies one moment of a database that keeps being written."""

import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest

from cuakhau.backup import service
from cuakhau.backup.service import backup

ROWS = 5_000
STEP_PAGES = 4


def test_a_backup_while_the_database_is_written_copies_one_moment_without_restarting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without one read transaction around the copy, a write between two
    steps made SQLite start the copy again: 125 steps here where 67 do, and
    under writes steady enough, no end."""
    source = tmp_path / "zone.db"
    with closing(sqlite3.connect(source, isolation_level=None)) as connection:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, body BLOB)")
        connection.executemany(
            "INSERT INTO t (body) VALUES (?)", [(bytes(200),) for _ in range(ROWS)]
        )
    monkeypatch.setattr(service, "SQLITE_STEP_PAGES", STEP_PAGES)
    steps: list[tuple[int, int]] = []
    stop = threading.Event()
    written = threading.Event()

    def keep_writing() -> None:
        with closing(sqlite3.connect(source, isolation_level=None, timeout=30)) as writer:
            while not stop.is_set():
                writer.execute("INSERT INTO t (body) VALUES (x'00')")
                written.set()

    def progress(done: int, total: int) -> None:
        steps.append((done, total))
        written.wait()  # the writer is at work before the copy goes on

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        backup(f"sqlite:///{source}", tmp_path / "zone.backup", overwrite=False, progress=progress)
    finally:
        stop.set()
        thread.join()

    pages = steps[-1][1]
    assert len(steps) == -(-pages // STEP_PAGES)
    assert [done for done, _ in steps] == sorted(done for done, _ in steps)
    with closing(sqlite3.connect(tmp_path / "zone.backup")) as copy:
        (count,) = copy.execute("SELECT count(*) FROM t").fetchone()
        (mode,) = copy.execute("PRAGMA journal_mode").fetchone()
    assert count >= ROWS
    assert mode == "delete"
