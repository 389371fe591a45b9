"""The ingest's cases, opened in a process of their own.

Opening an alarm's case goes through the whole case engine (the entrance's checks, 立案, the
matrix, dispatch, notices): about 33 ms of CPU each. In the consumer's process that time held the
interpreter lock beside the rules, and with the box busy it was a good part of the p99 publish →
alarm (py-spy: `open_cases` under the rules' thread's wait). Here the consumer's casework thread
only writes the alarms' ids to a child, `python -m finegrid.sensing.caseworker`, one JSON list a
line on its standard input; the child opens the cases on its own connection and publishes each
case event on ``…/{device}/case`` with its own MQTT client. The two processes run on both cores.

Nothing waits on the child: a child that died is started again (at most every RESTART_S; in
between the consumer opens the cases itself), and a child that starts opens the cases of active
alarms at the case level that have none, so an alarm handed to a child that died with it still
gets its case. The child ends when its standard input closes: with the consumer, even a
SIGKILLed one."""

import json
import logging
import os
import select
import subprocess
import sys
import threading
import time

from .heap import freeze_heap

logger = logging.getLogger("finegrid.sensing")

RESTART_S = 5  # a child that keeps dying is not started in a loop
STOP_WAIT_S = 30  # how long a stopping consumer lets the child finish what it was handed
READY_WAIT_S = 30  # how long a starting consumer waits for the child before it consumes
READY = "ready"  # the one line the child writes on its standard output


class CaseWorker:
    """The consumer's side. `open(alarms)` hands the alarms over and returns at once; `inline`
    opens them in this process when no child can take them (its result: the alarms that got one)."""

    def __init__(self, broker_url: str, inline, env: dict | None = None):
        self.env = {**(env if env is not None else os.environ), "FINEGRID_MQTT_URL": broker_url}
        self.inline = inline
        self.process: subprocess.Popen | None = None
        self.started_at = float("-inf")
        self.lock = threading.Lock()

    def start(self) -> None:
        """The child, started ahead of the first alarm: Django's start-up is a second or two."""
        self.process = subprocess.Popen([sys.executable, "-m", "finegrid.sensing.caseworker"], env=self.env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.started_at = time.monotonic()
        logger.info("cases are opened by process %d", self.process.pid)

    def wait_ready(self, timeout: float = READY_WAIT_S) -> bool:
        """Until the child says it is ready (its start-up, about 2 s, would be the first case's
        wait); False if it did not within `timeout` (what it is handed meanwhile waits in the pipe)."""
        if self.process is None:
            return False
        readable, _, _ = select.select([self.process.stdout], [], [], timeout)
        said = self.process.stdout.readline().strip() if readable else ""
        if said != READY:
            logger.warning("the case process %d did not say it was ready within %g s", self.process.pid, timeout)
        return said == READY

    def open(self, alarms: list) -> None:
        """From the consumer's casework thread and its tick's: one at a time, so lines stay whole."""
        line = json.dumps([alarm.pk for alarm in alarms]) + "\n"
        with self.lock:
            if self._alive() or self._restart():
                try:
                    self.process.stdin.write(line)
                    self.process.stdin.flush()
                    return
                except (BrokenPipeError, OSError, ValueError):
                    logger.warning("the case process %d is gone; opening %d case(s) here", self.process.pid, len(alarms))
            self.inline(alarms)

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            self.process.stdin.close()  # the child finishes what it has, then ends
            self.process.wait(STOP_WAIT_S)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()

    def _alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _restart(self) -> bool:
        if time.monotonic() - self.started_at < RESTART_S:
            return False
        if self.process is not None:
            logger.warning("the case process %d ended (%s); starting another", self.process.pid, self.process.returncode)
        try:
            self.start()
        except OSError:
            logger.exception("could not start the case process")
            return False
        return True


# -- the child -------------------------------------------------------------------------------

def serve(lines, tell) -> int:
    """Each line a JSON list of alarm ids: their cases opened, and `tell(event)` for each; returns
    how many were opened when the lines end."""
    from django.db import close_old_connections, connection
    from django.utils import timezone

    opened = open_orphans(tell)
    for line in lines:
        try:
            ids = [int(pk) for pk in json.loads(line)]
        except (ValueError, TypeError):
            logger.error("the case process was handed %r, not a list of alarm ids", line[:200])
            continue
        if not connection.in_atomic_block:  # (a test's transaction is kept)
            close_old_connections()  # a connection the database dropped meanwhile is made again
        opened += _open_and_tell(ids, timezone.now(), tell)
    return opened


def open_orphans(tell) -> int:
    """Cases for the active alarms at the case level that have none (handed to a child that died,
    or raised while none ran)."""
    from django.utils import timezone

    from .alarms import case_level
    from .models import Alarm

    ids = list(Alarm.objects.filter(active_key__isnull=False, case__isnull=True, severity__gte=case_level())
               .order_by("pk").values_list("pk", flat=True)[:ORPHANS_AT_ONCE])
    return _open_and_tell(ids, timezone.now(), tell) if ids else 0


ORPHANS_AT_ONCE = 500  # the tick's escalation opens any beyond, as it always did


def _open_and_tell(ids: list[int], now, tell) -> int:
    from .alarms import case_event
    from .casework import open_cases
    from .models import Alarm

    alarms = list(Alarm.objects.filter(pk__in=ids).order_by("pk"))  # the events name their site, device, rule
    opened = open_cases(alarms, now)
    for alarm in opened:
        tell(case_event(alarm))
    return len(opened)


BEHIND_THE_RULES = 10  # nice steps: the kernel gives the rules' threads about nine times the CPU of the cases


def step_behind_the_rules() -> None:
    """Cases may take a second, alarms 100 ms: the child runs at a worse nice value than the
    consumer it was started by (its session's group keeps the consumer's standing against others)."""
    current = os.getpriority(os.PRIO_PROCESS, 0)
    os.setpriority(os.PRIO_PROCESS, 0, min(19, current + BEHIND_THE_RULES))


def warm() -> None:
    """What the first case would otherwise wait for (its p99 was 2 s): the grid index the entrance
    locates a case with, the case engine's modules, the district language's catalogue."""
    from django.conf import settings
    from django.utils.translation import gettext, override

    from finegrid.grid.locate import current_index

    from . import alarms, casework  # noqa: F401  (the intake entrance, workflow and notices behind them)

    current_index()
    with override(settings.LANGUAGE_CODE):
        gettext("Case")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finegrid.settings")
    import django

    django.setup()
    step_behind_the_rules()
    warm()
    freeze_heap()
    publisher = _Publisher(os.environ.get("FINEGRID_MQTT_URL", ""))
    print(READY, flush=True)
    try:
        serve(sys.stdin, publisher.publish)
    except KeyboardInterrupt:
        pass
    finally:
        publisher.close()


class _Publisher:
    """The child's own MQTT client, for the case events (the consumer's publishes alarm events)."""

    def __init__(self, url: str):
        from .mqtt import broker_address, broker_login, make_client

        self.client = None
        if not url:
            return
        self.client, properties = make_client(login=broker_login(url))
        self.client.connect_async(*broker_address(url), keepalive=30, properties=properties)
        self.client.loop_start()
        self.devices: dict[int, tuple[str, str]] = {}

    def publish(self, event: dict) -> None:
        if self.client is None:
            return
        from .codec import device_topic

        site, device = self._codes(event["device_id"])
        self.client.publish(device_topic(site, device, "case"), json.dumps(event, ensure_ascii=False, default=str),
                            qos=1)

    def _codes(self, device_id: int) -> tuple[str, str]:
        if device_id not in self.devices:
            from .models import Device

            self.devices[device_id] = Device.objects.values_list("site__code", "code").get(pk=device_id)
        return self.devices[device_id]

    def close(self) -> None:
        if self.client is not None:
            self.client.disconnect()
            self.client.loop_stop()


if __name__ == "__main__":
    main()
