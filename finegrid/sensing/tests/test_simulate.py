"""The simulator: realistic series (a daily cycle, noise, incidents) that repeat for a seed, and
`finegrid simulate-sensors` feeding the engine in process."""

import statistics

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from finegrid.sensing.models import Reading
from finegrid.sensing.simulate import DAY_S, Simulator

KITCHEN = {"site": "k1", "device": "d1", "site_kind": "restaurant", "interval_s": 60,
           "sensors": [("ch4", "ch4"), ("co", "co"), ("h2s", "h2s"), ("o2", "o2")]}
MIDNIGHT_BEIJING = 1_764_172_800  # 2025-11-27 00:00 in Shanghai (16:00 UTC the day before)


def day_of(simulator: Simulator, start: float) -> list[tuple[str, str, int, dict]]:
    return simulator.due(start + DAY_S)


def test_a_seed_repeats_the_same_series():
    first = day_of(Simulator([KITCHEN], seed=3, start=MIDNIGHT_BEIJING), MIDNIGHT_BEIJING)
    again = day_of(Simulator([KITCHEN], seed=3, start=MIDNIGHT_BEIJING), MIDNIGHT_BEIJING)
    other = day_of(Simulator([KITCHEN], seed=4, start=MIDNIGHT_BEIJING), MIDNIGHT_BEIJING)
    assert first == again and first != other


def test_a_kitchen_has_more_carbon_monoxide_by_day_than_at_night():
    sim = Simulator([KITCHEN], seed=1, start=MIDNIGHT_BEIJING, incidents_per_hour=0)
    hour = {}
    for _, _, ts, values in day_of(sim, MIDNIGHT_BEIJING):
        hour.setdefault((ts // 1000 - MIDNIGHT_BEIJING) // 3600, []).append(values["co"])
    assert statistics.mean(hour[12]) > statistics.mean(hour[0]) + 2  # the swing is 2.5 mg/m³ each way
    assert len({v for values in hour.values() for v in values}) > 50  # noise: not a flat line


def test_incidents_leave_their_marks_in_the_series():
    sim = Simulator([KITCHEN], seed=5, start=MIDNIGHT_BEIJING, incidents_per_hour=3)
    messages = day_of(sim, MIDNIGHT_BEIJING)
    log = sim.sims[0].log
    kinds = {incident[0] for incident in log}
    assert kinds == {"leak", "stuck", "dropout"}
    times = [ts / 1000 for _, _, ts, _ in messages]
    for kind, started, ends, index in log:
        # A second inside each end: message times are whole milliseconds, the incident's are not.
        during = [values for (_, _, ts, values) in messages if started + 1 <= ts / 1000 < ends - 1]
        code = KITCHEN["sensors"][index][0]
        if kind == "dropout":
            assert not during and any(t < started for t in times) and any(t >= ends for t in times)
        elif kind == "stuck" and len(during) > 2:
            assert len({values[code] for values in during}) == 1
        elif kind == "leak" and len(during) > 4:
            values = [values[code] for values in during]
            assert values[-1] > values[0] and max(values) > 10  # it grows towards its peak


def test_a_rate_spreads_the_readings_over_the_devices():
    devices = [{**KITCHEN, "device": f"d{i}"} for i in range(10)]
    sim = Simulator(devices, rate=400, seed=2, start=0, incidents_per_hour=0)
    readings = sum(len(values) for *_, values in sim.due(60))
    assert 400 * 60 * 0.95 <= readings <= 400 * 60 * 1.05


def test_simulate_sensors_feeds_the_engine_in_process(station):
    call_command("simulate_sensors", "--rate", "200", "--duration", "1.5", "--broker", "", "--incidents", "0")
    stored = Reading.objects.filter(sensor__device=station["device"]).count()
    assert stored >= 200 and stored % 4 == 0  # whole four-gas messages


def test_simulate_sensors_refuses_a_negative_rate(station):
    with pytest.raises(CommandError, match="negative"):
        call_command("simulate_sensors", "--rate", "-1", "--broker", "")
