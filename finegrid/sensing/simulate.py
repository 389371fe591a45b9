"""Realistic sensor series for the registered devices, for the demo and for trying rules:
a daily cycle (kitchens at meal times, gas demand, temperature, tides), noise, slow drift, and
now and then an incident — a leak that grows until it is mended, a sensor stuck at one value, a
device that drops out, a downpour at a flood-prone spot. Seeded, so a run can be repeated."""

import math
import random
from dataclasses import dataclass, field

DAY_S = 86_400
INCIDENT_S = (300, 900)  # an incident lasts 5–15 minutes


@dataclass
class Track:
    """One sensor's series: a resting value, its daily swing, noise, drift per hour."""

    code: str
    kind: str
    base: float
    swing: float = 0.0
    noise: float = 0.0
    drift_per_h: float = 0.0
    low: float = 0.0
    digits: int = 2
    stuck_at: float | None = None
    extra: float = 0.0  # what an incident adds now

    def value(self, t: float, rng: random.Random, started: float) -> float:
        if self.stuck_at is not None:
            return self.stuck_at
        phase = math.sin(2 * math.pi * ((t + 8 * 3600) % DAY_S) / DAY_S - math.pi / 2)  # lowest at 0:00 Beijing
        raw = self.base + self.swing * phase + rng.gauss(0, self.noise) + self.drift_per_h * (t - started) / 3600
        return round(max(self.low, raw + self.extra), self.digits)


def track_for(code: str, kind: str, site_kind: str, rng: random.Random, river: bool = False) -> Track:
    if kind == "ch4":
        return Track(code, kind, 0.3, 0.2, 0.25, rng.uniform(0, 0.05), digits=1)
    if kind == "co":
        return Track(code, kind, 4.0 if site_kind == "restaurant" else 1.0, 2.5 if site_kind == "restaurant" else 0.3,
                     0.6, digits=1)
    if kind == "h2s":
        return Track(code, kind, 0.2, 0.05, 0.08, digits=2)
    if kind == "o2":
        return Track(code, kind, 20.9, 0.05, 0.04, low=0, digits=1)
    if kind == "water_level":
        return Track(code, kind, 5.0 if river else 0.0, 0.3 if river else 0.0, 0.01, digits=3,
                     low=-1 if river else 0.0)
    if kind == "pressure":
        return Track(code, kind, 300.0, -15.0, 1.5, rng.uniform(-0.3, 0.3), digits=1)
    return Track(code, kind, 18.0, 6.0, 0.3, digits=1)  # temperature


@dataclass
class Sim:
    """One device being simulated: its tracks, when it reports next, and its incident if any."""

    site: str
    device: str
    period: float
    tracks: list
    due: float
    incident: tuple | None = None  # (kind, started, ends, track index)
    silent_until: float = 0.0
    log: list = field(default_factory=list)


class Simulator:
    def __init__(self, devices: list[dict], rate: float = 0, seed: int = 7, start: float = 0.0,
                 incidents_per_hour: float = 4.0):
        """`devices`: dicts with site, device, site_kind, interval_s and sensors [(code, kind)].
        `rate`: readings per second overall (0: every device at its own interval)."""
        self.rng = random.Random(seed)
        natural = sum(len(d["sensors"]) / d["interval_s"] for d in devices) or 1
        scale = natural / rate if rate else 1.0
        self.started = start
        self.sims = [Sim(d["site"], d["device"], d["interval_s"] * scale,
                         [track_for(code, kind, d["site_kind"], self.rng, d.get("river", False))
                          for code, kind in d["sensors"]],
                         start + self.rng.uniform(0, d["interval_s"] * scale)) for d in devices]
        messages_per_hour = sum(3600 / s.period for s in self.sims) or 1
        self.incident_chance = incidents_per_hour / messages_per_hour

    def due(self, now: float) -> list[tuple[str, str, int, dict]]:
        """The messages due by `now`: (site, device, ts in ms, values)."""
        out = []
        for sim in self.sims:
            while sim.due <= now:
                message = self._message(sim, sim.due)
                if message:
                    out.append(message)
                sim.due += sim.period
        return out

    def _message(self, sim: Sim, t: float):
        self._incidents(sim, t)
        if t < sim.silent_until:
            return None  # a dropout: the device says nothing
        values = {track.code: track.value(t, self.rng, self.started) for track in sim.tracks}
        return sim.site, sim.device, int(t * 1000), values

    def _incidents(self, sim: Sim, t: float) -> None:
        if sim.incident and t >= sim.incident[2]:
            self._end(sim)
        if sim.incident is None and self.rng.random() < self.incident_chance:
            self._start(sim, t)
        if sim.incident and sim.incident[0] == "leak":
            kind, started, ends, index = sim.incident
            track = sim.tracks[index]
            # A leak grows roughly linearly until it is found and mended (the incident's end).
            track.extra = min(80.0, (t - started) / (ends - started) * self._peak(track))

    def _start(self, sim: Sim, t: float) -> None:
        ends = t + self.rng.uniform(*INCIDENT_S)
        gas = [i for i, track in enumerate(sim.tracks) if track.kind in ("ch4", "h2s", "co", "water_level")]
        kinds = (["leak"] * 3 if gas else []) + ["stuck", "dropout"]
        kind = self.rng.choice(kinds)
        index = self.rng.choice(gas) if kind == "leak" else self.rng.randrange(len(sim.tracks))
        if kind == "stuck":
            track = sim.tracks[index]
            track.stuck_at = track.value(t, self.rng, self.started) or 1.0
            ends = t + 2400  # long enough to trip the flatline rule
        elif kind == "dropout":
            sim.silent_until = ends
        sim.incident = (kind, t, ends, index)
        sim.log.append(sim.incident)

    def _end(self, sim: Sim) -> None:
        track = sim.tracks[sim.incident[3]]
        track.extra, track.stuck_at, sim.incident = 0.0, None, None

    def _peak(self, track: Track) -> float:
        return {"ch4": 60.0, "h2s": 30.0, "co": 90.0, "water_level": 0.45}.get(track.kind, 0.0)


def registered_devices(site_prefix: str = "") -> list[dict]:
    """The active devices of the registry, in the form the Simulator takes."""
    from .models import Device

    devices = Device.objects.filter(active=True, site__active=True, site__code__startswith=site_prefix)
    rows = []
    for device in devices.select_related("site").prefetch_related("sensors").order_by("code"):
        sensors = [(s.code, s.kind) for s in device.sensors.all()]
        if sensors:
            rows.append({"site": device.site.code, "device": device.code, "site_kind": device.site.kind,
                         "interval_s": device.interval_s, "sensors": sensors,
                         "river": bool(device.site.rules.get("water_level"))})
    return rows
