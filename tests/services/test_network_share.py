"""A practice file on a network share is recognised (issue 17 item 1: it gets a warning pointing to the
server mode): each system's decision from what that system would answer, on any machine."""
from __future__ import annotations

import struct

import pytest

from app.services import network_share as ns

MOUNTS = r"""sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
/dev/sda1 / ext4 rw,relatime,errors=remount-ro 0 0
tmpfs /run tmpfs rw,nosuid,nodev,noexec,relatime,size=1611040k,mode=755 0 0
/dev/sda2 /home ext4 rw,relatime 0 0
//fileserver/practice /mnt/practice cifs rw,relatime,vers=3.1.1,cache=strict,username=anna 0 0
fileserver:/export/desk /srv/desk nfs4 rw,relatime,vers=4.2,rsize=1048576 0 0
anna@nas:/data /home/anna/nas fuse.sshfs rw,nosuid,nodev,relatime,user_id=1000 0 0
//nas/Front\040Desk /media/Front\040Desk smb3 rw,relatime 0 0
/dev/sdb1 /mnt/practice/local ext4 rw,relatime 0 0
C:\134 /mnt/c 9p rw,noatime,aname=drvfs;path=C:\;uid=1000 0 0
"""


@pytest.mark.parametrize(("path", "expected"), [
    ("/home/anna/practice.sqlite", None),
    ("/mnt/practice/practice.sqlite", "a network share (cifs)"),
    ("/mnt/practice", "a network share (cifs)"),
    ("/mnt/practice2/practice.sqlite", None),  # not under /mnt/practice: a different folder
    ("/mnt/practice/local/practice.sqlite", None),  # a local disk mounted inside the share
    ("/srv/desk/a/b/practice.sqlite", "a network share (nfs4)"),
    ("/home/anna/nas/practice.sqlite", "a network share (fuse.sshfs)"),
    ("/media/Front Desk/practice.sqlite", "a network share (smb3)"),
    ("/mnt/c/Users/anna/practice.sqlite", "a network share (9p)"),
    ("/run/practice.sqlite", None),
])
def test_linux_reads_the_type_of_the_mount_holding_the_file(path, expected):
    assert ns.linux_location(path, MOUNTS) == expected


def test_linux_a_later_mount_on_the_same_point_hides_the_earlier_one():
    text = "/dev/sda1 / ext4 rw 0 0\n/dev/sdc1 /data ext4 rw 0 0\nsrv:/x /data nfs rw 0 0\n"
    assert ns.mount_fs_type("/data/p.sqlite", text) == "nfs"
    assert ns.mount_fs_type("/other/p.sqlite", text) == "ext4"
    assert ns.mount_fs_type("/p.sqlite", "") is None


@pytest.mark.parametrize("fs", ["nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afpfs", "webdav",
                                "NFS", "ceph", "fuse.rclone"])
def test_network_file_system_types(fs):
    assert ns.is_network_fs_type(fs)


@pytest.mark.parametrize("fs", ["ext4", "btrfs", "xfs", "apfs", "hfs", "ntfs", "vfat", "tmpfs", "overlay",
                                "fuse", "", None])
def test_local_file_system_types(fs):
    assert not ns.is_network_fs_type(fs)


def _drive_types(remote: set[str]):
    asked = []

    def drive_type(root):
        asked.append(root)
        return ns.DRIVE_REMOTE if root in remote else 3  # DRIVE_FIXED

    return drive_type, asked


@pytest.mark.parametrize(("path", "expected"), [
    (r"\\fileserver\practice\desk.sqlite", r"a network path (\\fileserver\practice)"),
    ("//fileserver/practice/desk.sqlite", r"a network path (\\fileserver\practice)"),
    (r"\\?\UNC\fileserver\practice\desk.sqlite", r"a network path (\\fileserver\practice)"),
    (r"Z:\Practice\desk.sqlite", "a network drive (Z:)"),
    (r"z:\Practice\desk.sqlite", "a network drive (Z:)"),
    (r"\\?\Z:\Practice\desk.sqlite", "a network drive (Z:)"),
    (r"C:\Users\anna\Documents\desk.sqlite", None),
    (r"\\?\C:\Users\anna\desk.sqlite", None),
    (r"\\.\PhysicalDrive0", None),
])
def test_windows_unc_paths_and_mapped_network_drives(path, expected):
    drive_type, _asked = _drive_types({"Z:\\"})
    assert ns.windows_location(path, drive_type) == expected


def test_windows_asks_the_drive_of_the_path_only():
    drive_type, asked = _drive_types(set())
    assert ns.windows_location(r"D:\desk.sqlite", drive_type) is None and asked == ["D:\\"]
    asked.clear()
    ns.windows_location(r"\\server\share\desk.sqlite", drive_type)
    assert asked == []  # a UNC path is over the network whatever the drives are


def _statfs(fstypename: bytes) -> bytes:
    """A struct statfs as macOS fills it (64-bit inodes), with ``fstypename`` in f_fstypename."""
    head = struct.pack("<Ii5Q2iIIII", 4096, 1048576, 1, 2, 3, 4, 5, 6, 7, 501, 26, 0x1000, 0)
    assert len(head) == ns.STATFS_FSTYPENAME_OFFSET
    body = fstypename.ljust(ns.MFSTYPENAMELEN, b"\0") + b"/Volumes/Practice".ljust(1024, b"\0") \
        + b"//anna@nas/Practice".ljust(1024, b"\0") + b"\0" * 32
    assert len(head + body) == ns.STATFS_SIZE
    return head + body


@pytest.mark.parametrize(("name", "expected"), [
    (b"smbfs", "a network share (smbfs)"), (b"nfs", "a network share (nfs)"), (b"afpfs", "a network share (afpfs)"),
    (b"webdav", "a network share (webdav)"), (b"apfs", None), (b"hfs", None),
])
def test_macos_reads_f_fstypename(name, expected):
    assert ns.mac_location(ns.fstypename(_statfs(name))) == expected


def test_this_machine_answers_without_raising(tmp_path):
    found = ns.network_location(tmp_path / "practice.sqlite")  # pytest's folder: local on most machines
    assert found is None or found.startswith("a network share (")
    assert ns.network_location("/nonexistent/folder/p.sqlite", platform="win32") is None  # no windll: local
