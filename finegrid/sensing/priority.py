"""The ingest's CPU priority. An alarm is worth more than anything else the box does: with both
cores kept busy by other work, the consumer got its fair share only, fell behind, and p99
publish → alarm went from 45 ms to 2.9 s. Asking the kernel for a better nice value at start
keeps the consumer ahead (CFS gives a nice −10 process about nine times the CPU of a nice 0 one
when both want it). Raising it takes root or CAP_SYS_NICE (systemd: `Nice=-10`, or
`AmbientCapabilities=CAP_SYS_NICE`); without, the consumer says so and runs as it is.

Linux gives each thread its own nice value and a new thread its creator's: call this before
paho's network thread starts."""

import logging
import os

logger = logging.getLogger("finegrid.sensing")


def take_priority(nice: int) -> int:
    """Sets this process's nice value to `nice` (only ever better); returns the one it runs at."""
    current = os.getpriority(os.PRIO_PROCESS, 0)
    if nice >= current:
        return current
    try:
        os.setpriority(os.PRIO_PROCESS, 0, nice)
    except PermissionError:
        logger.warning("could not raise the ingest's priority to nice %d (needs CAP_SYS_NICE): running at %d; "
                       "alarms may lag when the machine is busy", nice, current)
        return current
    return nice
