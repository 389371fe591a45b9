"""Builders for sensing tests: a site in the tiny district with one device and its sensors."""

from datetime import datetime, timedelta, timezone

from finegrid.sensing.models import Device, Sensor, Site

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai
T0_MS = int(T0.timestamp() * 1000)


def make_site(code="gs1", kind=Site.Kind.GAS_STATION, lon=119.405, lat=32.415, **fields) -> Site:
    return Site.objects.create(code=code, name=f"站点{code}", kind=kind, lon=lon, lat=lat, **fields)


def make_device(site: Site, code="d1", sensors=("ch4",), interval_s=60, **fields) -> Device:
    device = Device.objects.create(site=site, code=code, interval_s=interval_s, **fields)
    for kind in sensors:
        Sensor.objects.create(device=device, code=kind, kind=kind)
    return device


def ms(seconds: float) -> int:
    """A reading time `seconds` after T0, in epoch milliseconds."""
    return T0_MS + int(seconds * 1000)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)
