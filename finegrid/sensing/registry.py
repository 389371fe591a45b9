"""The engine's in-memory view of the registry: devices by code with their site and sensors, and
each sensor's resolved rules. Read once, then again when an unknown device shows up (at most
every few seconds, so a flood of bogus device codes cannot hammer the database) or when it is
older than MAX_AGE (so rule changes made in the admin reach a running consumer)."""

import time
from dataclasses import dataclass, field

from . import rules as rulebook
from .kinds import KINDS
from .models import Device, Sensor

MAX_AGE_S = 60
MISS_RELOAD_S = 5


@dataclass
class SensorInfo:
    id: int
    code: str
    kind: object  # kinds.Kind
    device: "DeviceInfo"
    rules: tuple  # (name, cfg, evaluate), see rules.compiled
    horizon_ms: int


@dataclass
class DeviceInfo:
    id: int
    code: str
    site_id: int
    site_code: str
    site_kind: str
    area_code: str
    sensors: dict = field(default_factory=dict)  # code → SensorInfo


class Registry:
    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.devices: dict[str, DeviceInfo] = {}
        self.sensors: dict[int, SensorInfo] = {}
        self.by_site: dict[int, list[SensorInfo]] = {}
        self.by_id: dict[int, DeviceInfo] = {}
        self.loaded_at = None

    def device(self, code) -> DeviceInfo | None:
        if not isinstance(code, str):
            return None
        now = self.clock()
        if self.loaded_at is None or now - self.loaded_at > MAX_AGE_S:
            self.load()
        found = self.devices.get(code)
        if found is None and now - self.loaded_at > MISS_RELOAD_S:
            self.load()
            found = self.devices.get(code)
        return found

    def load(self) -> None:
        devices = {}
        for device in Device.objects.filter(active=True, site__active=True).select_related("site"):
            site = device.site
            devices[device.code] = DeviceInfo(device.pk, device.code, site.pk, site.code, site.kind, site.area_code)
        by_id = {info.id: info for info in devices.values()}
        sensors, by_site = {}, {}
        for sensor in Sensor.objects.filter(device_id__in=list(by_id)).select_related("device__site"):
            device = by_id[sensor.device_id]
            resolved = rulebook.resolve(sensor.kind, device.site_kind, sensor.device.site.rules, sensor.rules)
            info = SensorInfo(sensor.pk, sensor.code, KINDS[sensor.kind], device, rulebook.compiled(resolved),
                              rulebook.horizon_ms(resolved))
            device.sensors[sensor.code] = sensors[sensor.pk] = info
            by_site.setdefault(device.site_id, []).append(info)
        self.devices, self.sensors, self.by_site, self.by_id = devices, sensors, by_site, by_id
        self.loaded_at = self.clock()
