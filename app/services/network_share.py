"""Is a practice file on a network share? (issue 17 item 1) Two desks sharing one SQLite file over a
network can lose or damage bookings, because locking files over a network is unreliable (SQLite's own
documentation says so); such a file is opened only after a warning that points to the server mode.

``network_location(path)`` says where the file is in plain words ("a network share (cifs)") or None.
Per system:

* Linux: the file system type of the mount holding the file, from ``/proc/mounts`` (nfs, cifs, smb3,
  fuse.sshfs, 9p, ...).
* Windows: a UNC path (``\\\\server\\share\\...``), or a drive letter the system reports as a network
  drive (``GetDriveTypeW`` == ``DRIVE_REMOTE``, a mapped drive such as ``Z:``), through ctypes.
* macOS: ``statfs``'s ``f_fstypename`` (smbfs, nfs, afpfs, webdav), through ctypes.

Each system's decision is a pure function of what the system said (a /proc/mounts text, a path and a
drive type, a statfs buffer), tested with made-up answers on any machine. It never raises: when the
system cannot be asked, the file is taken to be local (no warning rather than a refusal). No Qt.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import PureWindowsPath

# File system types that reach another computer over the network (Linux's names from /proc/mounts and
# macOS's from statfs). Locking on them is done by the network protocol, if at all.
NETWORK_FS_TYPES = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "smb2", "ncpfs", "ncp", "afs", "coda", "9p", "ceph",
    "glusterfs", "lustre", "gpfs", "beegfs", "davfs", "webdav", "afpfs", "ftp", "sshfs",
    "fuse.sshfs", "fuse.glusterfs", "fuse.rclone", "fuse.s3fs", "fuse.davfs2", "fuse.cephfs",
    "fuse.gcsfuse", "fuse.juicefs", "fuse.smbnetfs", "fuse.curlftpfs",
})


def is_network_fs_type(fs_type: str | None) -> bool:
    return bool(fs_type) and fs_type.lower() in NETWORK_FS_TYPES


# -- Linux ----------------------------------------------------------------------------------------------

MOUNTS_FILE = "/proc/mounts"

_OCTAL = re.compile(r"\\([0-7]{3})")


def _unescape(field: str) -> str:
    """/proc/mounts writes a space in a mount point as \\040 (tab \\011, newline \\012, \\ as \\134)."""
    return _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), field)


def parse_mounts(text: str) -> list[tuple[str, str]]:
    """(mount point, file system type) for each line of a /proc/mounts text, in order."""
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            out.append((_unescape(parts[1]), parts[2]))
    return out


def mount_fs_type(path: str, mounts_text: str) -> str | None:
    """The file system type of the mount holding the absolute ``path`` (the deepest mount point above
    it; of two mounts on one point, the later one, which hides the first)."""
    best, best_len = None, -1
    for point, fs_type in parse_mounts(mounts_text):
        prefix = point.rstrip("/") + "/"
        if (path == point or path.startswith(prefix) or point == "/") and len(point) >= best_len:
            best, best_len = fs_type, len(point)
    return best


def linux_location(path: str, mounts_text: str) -> str | None:
    fs_type = mount_fs_type(path, mounts_text)
    return f"a network share ({fs_type})" if is_network_fs_type(fs_type) else None


# -- Windows --------------------------------------------------------------------------------------------

DRIVE_REMOTE = 4  # GetDriveTypeW


def is_unc(path: str) -> bool:
    r"""``\\server\share\...`` (or ``//server/share``, or ``\\?\UNC\server\share``), not a device path
    such as ``\\?\C:\...`` or ``\\.\PhysicalDrive0``."""
    p = path.replace("/", "\\")
    if p.upper().startswith("\\\\?\\UNC\\"):
        return True
    if p.startswith("\\\\?\\") or p.startswith("\\\\.\\"):
        return False
    return p.startswith("\\\\") and len(p) > 2 and p[2] != "\\"


def drive_root(path: str) -> str | None:
    r"""``Z:\`` for ``Z:\practice\file.sqlite`` (or ``\\?\Z:\...``); None without a drive letter."""
    p = path.replace("/", "\\")
    if p.startswith("\\\\?\\") and not p.upper().startswith("\\\\?\\UNC\\"):
        p = p[4:]
    drive = PureWindowsPath(p).drive
    return f"{drive.upper()}\\" if len(drive) == 2 and drive[1] == ":" else None


def windows_location(path: str, drive_type) -> str | None:
    """``drive_type(root)`` answers like ``GetDriveTypeW`` (asked only for a path with a drive letter)."""
    if is_unc(path):
        p = path.replace("/", "\\")
        if p.upper().startswith("\\\\?\\UNC\\"):
            p = "\\\\" + p[8:]
        share = "\\".join(p.split("\\")[:4])
        return f"a network path ({share})"
    root = drive_root(path)
    if root is not None and drive_type(root) == DRIVE_REMOTE:
        return f"a network drive ({root[:2]})"
    return None


def _get_drive_type(root: str) -> int:
    import ctypes

    fn = ctypes.windll.kernel32.GetDriveTypeW  # type: ignore[attr-defined]
    fn.argtypes = [ctypes.c_wchar_p]
    fn.restype = ctypes.c_uint
    return int(fn(root))


# -- macOS ----------------------------------------------------------------------------------------------

# struct statfs (64-bit inodes: arm64, and statfs$INODE64 on x86_64): f_bsize, f_iosize (4+4),
# f_blocks..f_ffree (5 x 8), f_fsid (2 x 4), f_owner, f_type, f_flags, f_fssubtype (4 x 4), then
# char f_fstypename[MFSTYPENAMELEN = 16], f_mntonname[1024], f_mntfromname[1024], f_flags_ext,
# f_reserved[7]
STATFS_FSTYPENAME_OFFSET = 72
MFSTYPENAMELEN = 16
STATFS_SIZE = 2168


def fstypename(buffer: bytes) -> str:
    """``f_fstypename`` of a struct statfs filled by macOS's statfs."""
    raw = buffer[STATFS_FSTYPENAME_OFFSET:STATFS_FSTYPENAME_OFFSET + MFSTYPENAMELEN]
    return raw.split(b"\0", 1)[0].decode("ascii", "replace")


def mac_location(fs_type: str | None) -> str | None:
    return f"a network share ({fs_type})" if is_network_fs_type(fs_type) else None


def _mac_statfs(path: str) -> bytes | None:
    import ctypes
    import ctypes.util
    import platform

    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    fn = None
    if platform.machine() == "x86_64":
        try:
            fn = libc["statfs$INODE64"]
        except AttributeError:
            fn = None
    fn = fn or libc.statfs
    buf = ctypes.create_string_buffer(STATFS_SIZE + 256)  # room to spare
    if fn(os.fsencode(path), buf) != 0:
        return None
    return buf.raw


# -- the question asked by the views ---------------------------------------------------------------------

def network_location(path, platform: str | None = None) -> str | None:
    """Where the practice file ``path`` is, in plain words, when that is over a network ("a network
    share (cifs)", "a network drive (Z:)", "a network path (\\\\server\\share)"); None when it is on
    this computer, or when the system cannot tell."""
    platform = platform or sys.platform
    try:
        if platform.startswith("win"):
            full = os.path.abspath(os.fspath(path))
            return windows_location(full, _get_drive_type)
        full = os.path.realpath(os.fspath(path))
        if platform == "darwin":
            buf = _mac_statfs(full)
            return mac_location(fstypename(buf)) if buf else None
        with open(MOUNTS_FILE, encoding="utf-8", errors="replace") as f:
            return linux_location(full, f.read())
    except Exception:  # noqa: BLE001 - a question the system cannot answer: no warning, never a refusal
        return None
