"""The kept listing: the exact text `list --json` printed, kept beside the profile file, so that the next
`list --json` copies it out before anything else loads (reading and checking 1,000 profiles takes ~70 ms; the copy
takes about a millisecond).

The listing is used only while it is provably the listing of the profile file as it is now. Its first line holds the
state the profile file had when it was read (inode, size, modification and change times in nanoseconds, a CRC-32 of
its bytes), the listing's length and the program's version (another version may list differently); every write, by
this program or any other, changes that state, and the next `list --json` then reads the file (checking every field,
as always) and keeps a new listing. A listing that depends on the clock (a profile with an entered session token shows
its seconds left) is never kept. With work left for the sweep (`store_home.unfinished_work`), or a kept listing that is
anything but printable ASCII (what the JSON encoder writes), the command takes its usual path, sweep included. Nothing
secret is in it: `list --json` redacts.

Only `os` and `zlib` are imported here (and `tempfile` to keep a listing).
"""

from __future__ import annotations

import os

from wizard import __version__
from wizard.core.store_home import FILE_NAME, home_dir, unfinished_work

NAME = FILE_NAME + ".listing"  # its temporary files (".profiles.json.listing.*.tmp") are the sweep's to remove
_MAGIC = [b"aws-connection-wizard", b"listing", b"1", __version__.encode("ascii")]
_PRINTABLE = bytes(range(0x20, 0x7F)) + b"\n"
_CHUNK = 1 << 16  # files are read in pieces of this size: no megabyte-sized copies to allocate in a fresh process


def file_state(path: str) -> tuple[int, ...] | None:
    """What changes whenever the file is written or replaced: its inode, size, modification and change times (ns) and
    a CRC-32 of its bytes (a timestamp too coarse to tell two writes apart is then no risk); None when it can't be
    read. Well under a millisecond for 1,000 profiles."""
    import zlib

    crc, piece = 0, bytearray(_CHUNK)
    try:
        with open(path, "rb", buffering=0) as handle:
            st = os.fstat(handle.fileno())
            while count := handle.readinto(piece):
                crc = zlib.crc32(memoryview(piece)[:count], crc)
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, crc


def kept_listing(home: str | None = None) -> bytes | None:
    """The kept `list --json` output (ASCII bytes) if it is the listing of the profile file as it is now; else None."""
    home = home if home is not None else home_dir()
    try:
        with open(os.path.join(home, NAME), "rb") as handle:
            words = handle.readline(400).rstrip(b"\n").split(b" ")
            listing = handle.read()
    except OSError:
        return None
    count = len(_MAGIC)
    if len(words) != count + 6 or words[:count] != _MAGIC or not all(w.isdigit() for w in words[count:]):
        return None
    *state, length = (int(w) for w in words[count:])
    if length != len(listing) or not _printable(listing):
        return None
    if tuple(state) != file_state(os.path.join(home, FILE_NAME)) or any(unfinished_work(home)):
        return None
    return listing


def _printable(data: bytes) -> bool:
    """Only printable ASCII and line breaks, as the JSON encoder writes (a tampered listing could hide a terminal
    escape sequence)."""
    view = memoryview(data)
    return not any(bytes(view[start:start + _CHUNK]).translate(None, _PRINTABLE)
                   for start in range(0, len(data), _CHUNK))


def keep_listing(home: str, state: tuple[int, ...] | None, listing: str) -> None:
    """Keep `listing` (the text printed, ending in a newline) as the listing of the profile file whose `file_state`
    was `state` before it was read and is so still (the caller checks). Best effort: a listing that can't be written
    is simply not kept."""
    if state is None or not listing.isascii():
        return
    import tempfile

    body = listing.encode("ascii")
    header = b" ".join([*_MAGIC, *(str(n).encode() for n in (*state, len(body)))])
    try:
        fd, temp = tempfile.mkstemp(dir=home, prefix=f".{NAME}.", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(header + b"\n" + body)
        os.chmod(temp, 0o600)
        os.replace(temp, os.path.join(home, NAME))
    except OSError:
        try:
            os.unlink(temp)
        except OSError:
            pass
