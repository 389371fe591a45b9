"""The ingest's CPU priority. An alarm is worth more than anything else the box does: with both
cores kept busy by other work, the consumer got its fair share only, fell behind, and p99
publish → alarm went from 45 ms to 2.9 s. Asking the kernel for a better nice value at start
keeps the consumer ahead (CFS gives a nice −10 task about nine times the CPU of a nice 0 one
when both want it). Raising it takes root or CAP_SYS_NICE (systemd: `Nice=-10`, or
`AmbientCapabilities=CAP_SYS_NICE`); without, the consumer says so and runs as it is.

Linux gives each thread its own nice value and a new thread its creator's: call this before
paho's network thread starts. With autogroup scheduling on (a desktop kernel's default, and this
machine's), a nice value only weighs against the processes of the same session: a process that
leads its own session (a systemd service does; `bench sensing` starts the consumer so) sets its
session's autogroup nice too, which weighs against everyone else's sessions.

The same holds for the PostgreSQL server processes that run the ingest's queries
(`prioritise_backend`): PostgreSQL starts each in a session of its own, so its nice value alone
weighs against nothing, and its autogroup's is raised with it."""

import logging
import os

logger = logging.getLogger("finegrid.sensing")

AUTOGROUP = "/proc/{pid}/autogroup"  # the process's session's scheduling group and its nice value


def take_priority(nice: int) -> int:
    """Sets this process's nice value to `nice` (only ever better); returns the one it runs at."""
    try:
        if nice < os.getpriority(os.PRIO_PROCESS, 0):
            os.setpriority(os.PRIO_PROCESS, 0, nice)
        _raise_group(os.getpid(), nice)
    except PermissionError:
        logger.warning("could not raise the ingest's priority to nice %d (needs CAP_SYS_NICE): running at %d; "
                       "alarms may lag when the machine is busy", nice, os.getpriority(os.PRIO_PROCESS, 0))
    return os.getpriority(os.PRIO_PROCESS, 0)


def _raise_group(pid: int, nice: int) -> None:
    """The autogroup nice of process `pid` to `nice` (only ever better), if `pid` leads its session:
    the group of a process that does not is its whole session's, raised with it otherwise."""
    current = group_nice(pid)
    if current is not None and nice < current and os.getsid(pid) == pid:
        with open(AUTOGROUP.format(pid=pid), "w") as group:
            group.write(str(nice))


def group_nice(pid: int) -> int | None:
    """The nice value of process `pid`'s autogroup, or None without autogroups."""
    try:
        with open(AUTOGROUP.format(pid=pid)) as group:
            return int(group.read().rsplit(" ", 1)[-1])
    except (OSError, ValueError):
        return None


LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}


def prioritise_backend(nice: int) -> int | None:
    """Gives the PostgreSQL server process behind this thread's connection the ingest's nice value,
    and its autogroup's (only ever better); returns the nice it runs at, or None when it cannot be
    done.

    The ingest's own priority stops at its socket: the server process that runs its queries is
    one of PostgreSQL's, at PostgreSQL's priority, and on a busy box each round trip of an alarm
    waited behind everybody's queries (p99 publish → alarm 7.7 s with both cores busy). PostgreSQL
    starts each server process in a session of its own (setsid), so under autogroup scheduling its
    nice value alone changed nothing: its autogroup's is raised too. Only the rules' connection
    is raised: storage stays behind. Raising storage's and casework's as well (at the rules' nice,
    or 5 behind) was measured worse, p50 publish → alarm 10–17 s against 1–1.4 s: each server
    process is an autogroup of its own, weighing as much as the whole consumer, whose threads
    (paho's receiving among them) then waited for a CPU.

    It works only with the database on this machine (a Unix socket or loopback) and with the right
    to renice another user's process (root or CAP_SYS_NICE); a connection pooler in between would
    make it raise the wrong process, so FINEGRID_INGEST_NICE_DATABASE=0 switches it off."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql" or not getattr(settings, "FINEGRID_INGEST_NICE_DATABASE", True):
        return None
    host = connection.settings_dict.get("HOST") or ""
    if host not in LOCAL_HOSTS and not host.startswith("/"):
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        if nice < os.getpriority(os.PRIO_PROCESS, pid):
            os.setpriority(os.PRIO_PROCESS, pid, nice)
        _raise_group(pid, nice)
        return os.getpriority(os.PRIO_PROCESS, pid)
    except (PermissionError, ProcessLookupError):
        logger.warning("could not raise the priority of the database process %d serving the ingest "
                       "(needs CAP_SYS_NICE and the database on this machine); alarms may lag when the machine "
                       "is busy", pid)
        return None
