"""Files written whole or not at all, folders briefpress owns, and inputs read safely.

Three promises live here, because every stage that writes or reads relies on them:

* a reader never sees half a PDF, cache or page (:func:`write_atomic`);
* briefpress replaces or deletes only what it made: a folder it creates carries a
  marker file (:data:`OWNER_FILE`), a folder without one is never written over
  (:func:`claim_folder`), and a finished folder takes the place of the old one in one
  step from a sibling staging folder (:func:`staged_folder`);
* an input is read only when it is a regular file of sane size inside the project,
  so a named pipe cannot hang a build nor a symbolic link reach outside it
  (:func:`read_input`, :func:`inside`).

Temporary files and staging folders carry the id of the process that made them, so a
later run can tell the leftovers of a killed run (whose process is gone) from the
work of one still running, and remove only the former.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import ctypes.util
import errno
import io
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from briefpress.core.errors import BriefpressError, Location, Problem

if TYPE_CHECKING:
    import _csv

OWNER_FILE = ".briefpress-owned"
OWNER_TEXT = (
    "This folder was made by briefpress. briefpress may replace or delete it, and\n"
    "will not write into a folder without this file. Delete the file to keep the\n"
    "folder from being replaced.\n"
)
# ".<name>.<pid>-<random>.tmp" (write_atomic) and ".<name>.new-<pid>-<random>" (staging)
TEMP_NAME = re.compile(r"^\..+\.(\d+)-[a-z0-9_]+\.tmp$")
OLD_SUFFIX = ".old-"
NEW_SUFFIX = ".new-"


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and rename: never a half-written PDF."""
    with atomic_file(path) as handle:
        handle.write(data)


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A file to write a piece at a time that appears at ``path`` whole, synced to disk,
    when the block ends, and not at all if it raises: written to a temporary file in the
    same folder, then renamed.

    The temporary name carries this process's id, so a run killed mid-write leaves a
    file that :func:`clean_temporaries` recognises as abandoned and removes.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{path.name}.{os.getpid()}-"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula: a value
    starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (what
    spreadsheets take for the start of a formula, OWASP's list) gets a leading ``'``.
    The one guard every CSV briefpress writes uses (exports, manifests, send plans)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


@contextlib.contextmanager
def csv_table(path: Path, columns: tuple[str, ...]) -> Iterator[_csv.Writer]:
    """A CSV file written a row at a time (a mailing's rows are never all in memory), in
    UTF-8 with a byte-order mark, which spreadsheets need to show names in Vietnamese or
    Cyrillic correctly; whole once the block ends, or not written at all (atomic_file)."""
    with atomic_file(path) as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(columns)
        yield writer
        text.flush()
        text.detach()


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs (one of another user's counts as running)."""
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # there os.kill(pid, 0) would end the process
        return windows_process_alive(pid, *_kernel32())
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OverflowError:
        return False
    return True


# Windows: OpenProcess access right, GetExitCodeProcess's "still running", and errors.
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
STILL_ACTIVE = 259
ERROR_ACCESS_DENIED = 5


def _kernel32() -> tuple[Any, Callable[[], int]]:
    """Windows' kernel32 and the error of its last call (ctypes has both only there)."""
    dll = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    return dll, ctypes.get_last_error  # type: ignore[attr-defined]


def windows_process_alive(pid: int, kernel32: Any, last_error: Callable[[], int]) -> bool:
    """Whether process ``pid`` runs, asked of Windows without touching it: a process
    that cannot be opened is gone, unless it belongs to someone else (access denied).
    ``kernel32`` is passed in so that the tests on Linux can stand in for Windows."""
    handle = kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
    if not handle:
        return last_error() == ERROR_ACCESS_DENIED
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True  # cannot tell: keep its files
        return code.value == STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def clean_temporaries(folder: Path) -> list[Path]:
    """Remove the temporary files that killed runs left below ``folder``; return them.

    Only names that :func:`write_atomic` makes are touched, and only when the process
    that made them is gone: a run still writing keeps its files.
    """
    removed: list[Path] = []
    for path in _walk_files(folder):
        match = TEMP_NAME.match(path.name)
        if match and not process_alive(int(match.group(1))):
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


def _walk_files(folder: Path) -> Iterator[Path]:
    """Every file below ``folder``, without following links; unreadable folders skipped."""
    for top, _dirs, files in os.walk(folder, onerror=lambda _exc: None):
        for name in files:
            yield Path(top, name)


# --- folders briefpress owns ------------------------------------------------------


def mark_owned(folder: Path) -> None:
    """Write the marker that says briefpress made ``folder`` and may replace it.

    The marker is created in one step (O_EXCL), not through a temporary file: a second
    briefpress starting at the same moment then finds either an empty folder or a marked
    one, never a folder holding someone's temporary file (which it would refuse)."""
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        fd = os.open(folder / OWNER_FILE, flags, 0o644)
    except FileExistsError:
        if is_owned(folder):
            return  # marked meanwhile by another briefpress
        raise
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(OWNER_TEXT)


def is_owned(folder: Path) -> bool:
    """Whether ``folder`` carries briefpress's marker (a regular file, not a link)."""
    try:
        return stat.S_ISREG(os.lstat(folder / OWNER_FILE).st_mode)
    except OSError:
        return False


def _is_empty(folder: Path) -> bool:
    with os.scandir(folder) as entries:
        return next(entries, None) is None


def not_ours(display: str, what: str) -> BriefpressError:
    """The refusal every command gives for a folder it did not make."""
    return BriefpressError(
        [
            Problem(
                Location(display),
                f"{what}: the folder exists and was not made by briefpress "
                f"(it has no {OWNER_FILE} file), so briefpress will not write into it",
                "choose a new or empty folder, or move this one away; if briefpress did "
                f"make it, create an empty file named {OWNER_FILE} in it",
            )
        ]
    )


def claim_folder(
    path: Path,
    display: str | None = None,
    what: str = "output folder",
    adopt: Callable[[Path], bool] | None = None,
) -> Path:
    """Make ``path`` a folder that briefpress owns, or refuse with a clear message.

    A missing or empty folder is created or taken and marked; a marked one is ours
    already. Any other folder raises :class:`BriefpressError` naming it (``display``,
    the path as the user knows it) and what to do. ``adopt`` may accept a folder that
    an earlier version of briefpress made before markers existed (for ``out/``: its
    build cache file); such a folder is marked from then on.
    """
    shown = display or str(path)
    if path.exists() and not path.is_dir():
        raise BriefpressError(
            [Problem(Location(shown), f"{what}: this is a file, not a folder", "choose a folder")]
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
        if is_owned(path):
            return path
        if _is_empty(path) or (adopt is not None and adopt(path)):
            mark_owned(path)
            return path
    except OSError as exc:
        message = f"{what}: cannot create or write the folder: {exc.strerror or exc}"
        raise BriefpressError([Problem(Location(shown), message)]) from None
    raise not_ours(shown, what)


def check_replaceable(
    target: Path, display: str | None = None, what: str = "output folder"
) -> None:
    """Refuse, before any work, to replace a folder briefpress did not make.

    Missing, empty or marked folders may be replaced; a file or any other folder may not.
    """
    shown = display or str(target)
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        kind = "a symbolic link" if target.is_symlink() else "a file"
        raise BriefpressError(
            [
                Problem(
                    Location(shown),
                    f"{what}: this is {kind}, not a folder briefpress made",
                    "choose a new or empty folder",
                )
            ]
        )
    if target.is_dir() and not is_owned(target) and not _is_empty(target):
        raise not_ours(shown, what)


@contextlib.contextmanager
def staged_folder(
    target: Path, display: str | None = None, what: str = "output folder"
) -> Iterator[Path]:
    """A new, marked sibling folder to fill; on success it takes ``target``'s place.

    The caller writes everything into the yielded folder. If the block raises anything,
    Ctrl-C and SIGTERM (as KeyboardInterrupt) included, the staging folder is removed
    and ``target`` stays as it was; otherwise :func:`replace_folder` swaps it in.
    Leftovers of earlier, killed runs are cleaned first (see :func:`clean_stale`).
    """
    check_replaceable(target, display, what)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target)
    prefix = f".{target.name}{NEW_SUFFIX}{os.getpid()}-"
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=prefix))
    try:
        os.chmod(staging, 0o755)  # mkdtemp's 0700 would hide the folder from a print queue
        mark_owned(staging)
        yield staging
        replace_folder(staging, target, display, what)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def replace_folder(
    staging: Path, target: Path, display: str | None = None, what: str = "output folder"
) -> None:
    """Put the marked folder ``staging`` in ``target``'s place, then delete the old one.

    ``target`` must be missing, empty or marked (checked again here, as the folder may
    have changed while the work ran). On Linux the two folders are exchanged in one
    step (renameat2), so a reader sees the old folder or the new, never neither;
    elsewhere the old folder is moved aside first.
    """
    if not is_owned(staging):
        raise BriefpressError(f"{staging} is not a staging folder briefpress made")
    check_replaceable(target, display, what)
    old = target.with_name(f".{target.name}{OLD_SUFFIX}{os.getpid()}-{os.urandom(4).hex()}")
    if not target.exists():
        os.rename(staging, target)
        return
    if _exchange(staging, target):
        os.rename(staging, old)  # staging now holds the previous folder
    else:
        os.rename(target, old)
        os.rename(staging, target)
    shutil.rmtree(old, ignore_errors=True)


def clean_stale(target: Path) -> list[Path]:
    """Remove the siblings of ``target`` that killed runs left; return what went.

    These are staging folders (``.<name>.new-<pid>-...``) whose process is gone and
    previous folders (``.<name>.old-...``) that were being deleted; both are removed
    only if they carry briefpress's marker.
    """
    removed: list[Path] = []
    try:
        siblings = list(target.parent.iterdir())
    except OSError:
        return removed
    for sibling in siblings:
        if _stale_sibling(sibling, target.name) and is_owned(sibling):
            shutil.rmtree(sibling, ignore_errors=True)
            removed.append(sibling)
    return removed


def _stale_sibling(sibling: Path, name: str) -> bool:
    if sibling.is_symlink() or not sibling.is_dir():
        return False
    new, old = f".{name}{NEW_SUFFIX}", f".{name}{OLD_SUFFIX}"
    if sibling.name.startswith(old):
        return True
    if sibling.name.startswith(new):
        pid = sibling.name[len(new) :].split("-", 1)[0]
        return pid.isdigit() and not process_alive(int(pid))
    return False


RENAME_EXCHANGE = 2
AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False where that is not available."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    result = renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # the kernel or file system cannot exchange: move aside instead
    raise OSError(code, os.strerror(code), str(second))


def unwritable(path: Path, exc: OSError, root: Path) -> Problem:
    """The problem of an output that cannot be written: on Windows, most often a PDF
    open in a viewer, which locks it against being replaced."""
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    return Problem(
        Location(printable(shown)),
        f"cannot write the file: {exc.strerror or exc}",
        "if it is open in a PDF viewer or another program, close it and build again",
    )


# --- names every system accepts -----------------------------------------------------

# Windows gives these names to devices: no file may be called one, whatever its extension
# ("nul.pdf", "COM1.txt"), in any case. Superscript digits count too.
WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"{port}{n}" for port in ("com", "lpt") for n in (*"123456789", "¹", "²", "³")}
)
# Characters Windows refuses in a name (and the folder separators of every system).
NOT_IN_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def windows_device(name: str) -> bool:
    """Whether Windows reads ``name`` as a device rather than a file (``con``, ``nul.pdf``)."""
    return name.split(".", 1)[0].rstrip(" ").lower() in WINDOWS_DEVICES


def portable_name(name: str, fallback: str = "file") -> str:
    """``name`` made a file name that Windows, macOS and Linux all accept and keep as
    written: characters Windows refuses become ``-``, trailing dots and spaces (which
    Windows drops) go, and a device name gets a ``_`` in front. Use it for every name
    made from someone's data (a recipient, a title) before a file is written."""
    text = NOT_IN_NAMES.sub("-", name).rstrip(" .")
    if not text.strip(" .-"):
        text = fallback
    return f"_{text}" if windows_device(text) else text


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a file name on every system, or None when it can."""
    if windows_device(name):
        return f"{printable(name)!r} is the name of a device on Windows, not a file"
    if portable_name(name) != name:
        return f"{printable(name)!r} is not a file name that Windows accepts"
    return None


# --- inputs read safely -------------------------------------------------------------


CONTROL = {c: f"\\x{c:02x}" for c in (*range(32), 127)}


def printable(name: str) -> str:
    """A file name fit for a message, a web page or JSON: bytes that are not UTF-8
    (which Python keeps as lone surrogates, and which no encoder accepts) and control
    characters such as a newline are written as ``\\xNN``."""
    text = os.fsencode(name).decode("utf-8", "backslashreplace")
    return text.translate(CONTROL)


def inside(path: Path, roots: Iterable[Path]) -> bool:
    """Whether ``path``, every symbolic link followed, lies under one of ``roots``."""
    try:
        real = path.resolve()
    except (OSError, RuntimeError):
        return False  # a link loop leads nowhere we may read
    return any(real.is_relative_to(root.resolve()) for root in roots)


FILE_KINDS = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}


def read_input(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Raises OSError with a sentence for people (``strerror``) for anything else: a named
    pipe (reading one would wait forever), a device, a folder, or a file too large to be
    an input. The file is opened without blocking and checked on the open handle, so it
    cannot be swapped for something else between the check and the read.
    """
    # O_BINARY: on Windows a descriptor is opened in text mode (CRLF turned to LF) without it
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = FILE_KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
            raise OSError(errno.EINVAL, f"it is {kind}, not a file", str(path))
        if info.st_size > limit:
            size = f"{info.st_size / 1_048_576:.1f} MB"
            message = f"the file is too large ({size}; at most {limit / 1_048_576:g} MB)"
            raise OSError(errno.EFBIG, message, str(path))
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OSError(errno.EFBIG, "the file grew too large while being read", str(path))
    return data
