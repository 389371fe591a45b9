"""Each rule at its boundaries, through the engine (readings in, alarms out)."""

import pytest

from finegrid.sensing.engine import Incoming
from finegrid.sensing.kinds import BLUE, ORANGE, RED, YELLOW
from finegrid.sensing.models import Alarm, Site
from finegrid.sensing.rules import resolve

from .factories import at, make_device, make_site, ms


def feed(engine, *readings, device="d1"):
    """readings: (seconds after T0, {sensor: value}); each processed as its own message."""
    for seconds, values in readings:
        engine.process([Incoming(device, ms(seconds), values)], now=at(seconds))


def active(rule="threshold"):
    return Alarm.objects.filter(rule=rule, active_key__isnull=False).first()


@pytest.mark.parametrize("value, expected", [(24.9, None), (25.0, ORANGE), (49.9, ORANGE), (50.0, RED)])
def test_combustible_gas_levels_of_gb_t_50493(engine, station, value, expected):
    feed(engine, (0, {"ch4": value}))
    alarm = active()
    assert (alarm.severity if alarm else None) == expected


@pytest.mark.parametrize("sensor, value, expected", [
    ("h2s", 9.9, None), ("h2s", 10, ORANGE), ("h2s", 20, RED),
    ("co", 29.9, None), ("co", 30, ORANGE), ("co", 60, RED),
])
def test_toxic_gas_at_100_and_200_percent_of_oel(engine, station, sensor, value, expected):
    feed(engine, (0, {sensor: value}))
    alarm = active()
    assert (alarm.severity if alarm else None) == expected


@pytest.mark.parametrize("value, raised", [(19.4, True), (19.5, True), (19.6, False), (23.4, False), (23.5, True)])
def test_oxygen_outside_19_5_to_23_5_percent(engine, station, value, raised):
    feed(engine, (0, {"o2": value}))
    assert (active() is not None) == raised


def test_a_higher_level_escalates_the_same_alarm(engine, station):
    feed(engine, (0, {"ch4": 30}), (10, {"ch4": 55}), (20, {"ch4": 40}))
    alarm = Alarm.objects.get()
    assert alarm.severity == RED and alarm.count == 3 and alarm.peak == 55 and alarm.value == 40
    assert list(alarm.events.exclude(action="case").values_list("action", flat=True)) == ["raise", "worse"]


def test_clearing_waits_for_the_hysteresis_band(engine, station):
    feed(engine, (0, {"ch4": 30}), (10, {"ch4": 24}), (20, {"ch4": 23.0}))
    assert active() is not None  # 23 is still within 2 %LEL of the 25 % level
    feed(engine, (30, {"ch4": 22.9}))
    alarm = Alarm.objects.get()
    assert alarm.state == Alarm.State.CLEARED_UNACK and alarm.active_key is None and alarm.cleared_at


def test_oxygen_clears_only_back_inside_the_band(engine, station):
    feed(engine, (0, {"o2": 19.0}), (10, {"o2": 19.7}))
    assert active() is not None
    feed(engine, (20, {"o2": 19.9}))
    assert active() is None


def test_threshold_for_a_duration(engine, tiny):
    site = make_site(rules={"ch4": {"threshold": {"for_s": 30}}})
    make_device(site)
    feed(engine, (0, {"ch4": 30}), (20, {"ch4": 30}))
    assert active() is None
    feed(engine, (30, {"ch4": 30}))
    assert active().severity == ORANGE


def test_threshold_n_in_a_row_restarts_after_a_low_reading(engine, tiny):
    make_device(make_site(rules={"ch4": {"threshold": {"count": 3}}}))
    feed(engine, (0, {"ch4": 30}), (10, {"ch4": 30}), (20, {"ch4": 3}), (30, {"ch4": 30}), (40, {"ch4": 30}))
    assert active() is None
    feed(engine, (50, {"ch4": 30}))
    assert active() is not None


def test_a_site_overrides_the_default_levels(engine, tiny):
    make_device(make_site(rules={"ch4": {"threshold": {"high": [[10, "red"]]}}}))
    feed(engine, (0, {"ch4": 10}))
    assert active().severity == RED


def test_a_sensor_switches_a_rule_off(engine, station):
    sensor = station["device"].sensors.get(code="ch4")
    sensor.rules = {"threshold": None}
    sensor.save()
    feed(engine, (0, {"ch4": 80}))
    assert active() is None


def test_rate_of_change_finds_a_leak_that_grows(engine, station):
    # 0 → 6 %LEL in 60 s is 6 %LEL/min, over the default 5 %LEL/min, while still far below 25 %.
    feed(engine, *[(t, {"ch4": t / 10}) for t in range(0, 61, 10)])
    alarm = active("rate")
    assert alarm.severity == YELLOW and active() is None


def test_rate_of_change_needs_enough_history(engine, station):
    feed(engine, (0, {"ch4": 0}), (20, {"ch4": 10}))  # 30 %LEL/min, but over only 20 s of a 60 s window
    assert active("rate") is None


def test_a_flatline_sensor_is_stuck(engine, station):
    feed(engine, *[(t, {"co": 5.3}) for t in range(0, 1801, 200)])  # 10 identical readings over 30 min
    assert active("stuck").severity == BLUE
    feed(engine, (2000, {"co": 5.4}))
    assert active("stuck") is None


def test_clean_air_at_zero_is_not_stuck(engine, station):
    feed(engine, *[(t, {"ch4": 0}) for t in range(0, 3601, 120)])
    assert active("stuck") is None


@pytest.fixture
def tunnel(tiny):
    site = make_site(code="tn1", kind=Site.Kind.TUNNEL)
    make_device(site, code="ta", sensors=("ch4",))
    make_device(site, code="tb", sensors=("ch4",))
    return site


def test_utility_tunnel_alarms_at_20_percent_lel(engine, tunnel):
    feed(engine, (0, {"ch4": 20}), device="ta")
    assert active().severity == ORANGE and active("shutoff") is None


def test_utility_tunnel_shuts_off_at_35_percent_lel(engine, tunnel):
    feed(engine, (0, {"ch4": 35}), device="ta")
    assert active("shutoff").severity == RED


def test_utility_tunnel_shuts_off_when_two_detectors_confirm_20_percent(engine, tunnel):
    feed(engine, (0, {"ch4": 5}), device="tb")
    feed(engine, (10, {"ch4": 22}), device="ta")
    assert active("shutoff") is None
    feed(engine, (20, {"ch4": 21}), device="tb")
    assert active("shutoff").sensor.device.code == "tb"


def test_rules_resolve_in_layers():
    rules = resolve("ch4", "tunnel", {"ch4": {"rate": None}}, {"threshold": {"deadband": 1}})
    assert rules["threshold"]["high"] == [[20, "orange"]] and rules["threshold"]["deadband"] == 1
    assert "rate" not in rules and rules["shutoff"]["kind"] == "combined"


@pytest.mark.parametrize("rules, valid", [
    ({"ch4": {"threshold": {"high": [[20, "orange"]]}}}, True),
    ({"ch4": {"threshold": {"high": [[20, "purple"]]}}}, False),
    ({"ch4": {"mystery": {"kind": "magic"}}}, False),
    ({"ch4": "loud"}, False),
])
def test_rule_overrides_are_checked_in_the_admin(tiny, rules, valid):
    from django.core.exceptions import ValidationError

    site = make_site(rules=rules)
    if valid:
        site.full_clean()
    else:
        with pytest.raises(ValidationError):
            site.full_clean()


def test_demo_sites_are_seeded_once_and_located(tiny):
    from finegrid.sensing.demo import SITES, seed_sensing

    assert seed_sensing() == len(SITES)
    assert seed_sensing() == 0
    assert not Site.objects.filter(grid__isnull=True).exists()
    assert Site.objects.get(code="tunnel-11").devices.count() == 2
