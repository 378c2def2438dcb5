"""Files only their owner may read (mode 0600), made so when they are created.

The SQLite database holds the participant directory and the positions in plain text; audit
exports carry the whole log; key files (the master key, the secret that signs sessions, the
audit signing key) open everything else. Each is created with mode 0600 by ``os.open``, so
there is no moment at which another user of the machine could open it; SQLite gives its
write-ahead log and shared-memory files the mode of the database file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

PRIVATE = 0o600
OPEN_TO_OTHERS = 0o077  # any permission for the group or other users


def make_private_folders(folder: Path) -> None:
    """Create ``folder`` and its missing parents, each with mode 0700 (only its owner may
    enter it); folders that exist are left as they are. Raises ``OSError``."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for p in reversed(missing):
        p.mkdir(mode=0o700)
        os.chmod(p, 0o700)  # mkdir's mode passes through the umask


def open_private(path: Path, *, exclusive: bool = False) -> int:
    """A file descriptor open for writing ``path``, truncated, with mode 0600.

    A new file is created with that mode; an existing one (``exclusive=False``) gets it
    before anything is written. Raises ``FileExistsError`` when ``exclusive`` and ``path``
    exists, ``OSError`` for the rest.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | (os.O_EXCL if exclusive else 0)
    fd = os.open(path, flags, PRIVATE)
    try:
        os.fchmod(fd, PRIVATE)  # an existing file keeps its mode through O_CREAT
    except OSError:
        os.close(fd)
        raise
    return fd


def write_private(path: Path, data: str | bytes, *, exclusive: bool = False) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` with mode 0600 from its creation."""
    fd = open_private(path, exclusive=exclusive)
    with os.fdopen(fd, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)


def open_to_others(path: Path) -> int:
    """The permission bits of ``path`` that give the group or other users access (0 when none)."""
    return stat.S_IMODE(path.stat().st_mode) & OPEN_TO_OTHERS


def sqlite_file(url: str) -> Path | None:
    """The file of a ``sqlite:///…`` URL; None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if not database or database == ":memory:" or database.startswith("file:") or parsed.query.get("mode") == "memory":
        return None
    return Path(database)


def create_private_sqlite_file(url: str) -> None:
    """Create the (empty) database file of a SQLite ``url`` with mode 0600 when it does not
    exist yet, before SQLite opens it (SQLite would create it readable by everyone, and its
    ``-wal`` and ``-shm`` files take the database file's mode)."""
    path = sqlite_file(url)
    if path is None or path.exists():
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    except FileExistsError:
        pass  # another process created it first, with this same function or SQLite
    except FileNotFoundError:
        pass  # no such folder: SQLite reports it when it opens the file
