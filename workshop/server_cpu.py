"""The CPU time of the server listening on a port of this machine, read from Linux's /proc.

Throughput on a shared machine moves with whatever else runs; the CPU time the server spent
per use case moves less, as time spent waiting for a core is not counted (contention still
costs some: caches shared with other jobs, a busier scheduler). The server is the
process that holds the port's listening socket and has no parent that holds it too (gunicorn's
master, runserver's serving child); its time is its own, its live children's (the workers) and
that of the children it has reaped (workers recycled meanwhile). The database's own processes
are not counted. Where /proc cannot tell (another system, a server in a container), it is None.
"""

import os
from pathlib import Path

PROC = Path("/proc")
_LISTEN = "0A"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("net/tcp", "net/tcp6"):
        try:
            lines = (PROC / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[3] == _LISTEN and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    return inodes


def _stat(pid: int) -> list[str]:
    # The command name, in parentheses, may hold spaces: the fields are what follows its last ")".
    return (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()


def server_pid(port: int) -> int | None:
    """The process serving ``port``: of those holding its listening socket, the one whose parent does not."""
    sockets = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    if not sockets:
        return None
    holders = set()
    for process in PROC.iterdir():
        if not process.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) in sockets for fd in (process / "fd").iterdir()):
                holders.add(int(process.name))
        except OSError:
            continue
    for pid in sorted(holders):
        try:
            if int(_stat(pid)[1]) not in holders:
                return pid
        except (OSError, IndexError, ValueError):
            continue
    return None


def cpu_seconds(pid: int) -> float | None:
    """CPU time of ``pid``, its live children and the children it reaped; None once it is gone."""
    try:
        fields = _stat(pid)
        utime, stime, cutime, cstime = (int(value) for value in fields[11:15])  # fields 14-17 of proc(5)
        children = [
            int(child)
            for task in (PROC / str(pid) / "task").iterdir()
            for child in (task / "children").read_text().split()
        ]
    except (OSError, ValueError):
        return None
    total = utime + stime + cutime + cstime
    for child in children:
        try:
            total += sum(int(value) for value in _stat(child)[11:13])
        except (OSError, ValueError):
            continue  # exited just now: its time moves to the reaped children's, counted next time
    return total / CLOCK_TICKS
