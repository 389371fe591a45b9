"""The pages a gas desk reads: readings with their units and the thresholds in force, a trend
chart, each alarm in the reader's language with the history of its colour, and the sites with
their state."""

import time_machine

from finegrid.sensing.engine import Incoming
from finegrid.sensing.models import Alarm, Device
from finegrid.sensing.tick import tick

from .factories import at, ms


def feed(engine, seconds, values, device="d1"):
    engine.process([Incoming(device, ms(seconds), values)], now=at(seconds))


def _page(client, who):
    client.force_login(who)
    return client.get("/sensing/sites/gs1/").content.decode()


def test_readings_come_with_their_unit_and_the_thresholds_in_force(engine, station, people, client):
    feed(engine, 0, {"ch4": 30, "o2": 20.9})
    page = _page(client, people["worker_a"])
    assert "30.0 %LEL" in page or "30 %LEL" in page
    assert "20.9 %VOL" in page
    # GB/T 50493-2019 for combustible gas, and oxygen outside 19.5–23.5 % VOL.
    assert "≥ 25 %LEL：橙色" in page and "≥ 50 %LEL：红色" in page
    assert "≤ 19.5 %VOL：橙色" in page


def test_a_sensor_has_a_trend_chart_with_its_thresholds_drawn(engine, station, people, client):
    for minute in range(0, 60, 5):
        feed(engine, minute * 60, {"ch4": minute / 2})
    with time_machine.travel(at(3600), tick=False):
        page = _page(client, people["worker_a"])
    chart = page.split('data-trend="ch4"', 1)[1].split("</figure>", 1)[0]
    assert chart.count(",") >= 12 and "<polyline" in chart
    assert 'stroke-dasharray' in chart and ">25<" in chart and ">50<" in chart
    assert 'data-trend="co"' not in page  # a sensor with no reading draws no empty chart


def test_the_axis_top_is_not_written_over_the_top_level(engine, station, people, client):
    """Seen on the demo: one CH4 reading of 30 put the axis top at 54, drawn over the red level's 50."""
    feed(engine, 0, {"ch4": 30})
    with time_machine.travel(at(60), tick=False):
        page = _page(client, people["worker_a"])
    chart = page.split('data-trend="ch4"', 1)[1].split("</figure>", 1)[0]
    assert ">50<" in chart and ">54<" not in chart


def test_the_alarm_is_in_the_readers_language(engine, station, people, client):
    """Seen: "offline: no reading for 92 s (expected every 30 s)" in the Chinese interface."""
    feed(engine, 0, {"ch4": 30})
    Device.objects.update(last_seen_at=at(0))
    tick(now=at(181), engine=engine)
    page = _page(client, people["worker_a"])
    row = page.split('<tbody>', 3)[3]
    assert "离线：181 秒无读数（应每 60 秒" in row
    assert "可燃气体（甲烷） 30 %LEL，达到或超过 25" in row
    assert "offline:" not in row and "no reading" not in row


def test_the_history_says_why_the_colour_changed(engine, station, people, client):
    """Seen: 蓝色 in the feed, 黄色 on the site page minutes later, nothing saying why."""
    feed(engine, 0, {"ch4": 1})
    Device.objects.update(last_seen_at=at(0))
    tick(now=at(181), engine=engine)
    offline = Alarm.objects.get(rule="offline")
    tick(now=at(181 + 5 * 60), engine=engine)  # nobody acknowledged it for 5 minutes
    page = _page(client, people["worker_a"])
    history = page.split(f'data-alarm="{offline.pk}"', 1)[1].split("</ol>", 1)[0]
    assert "报警，蓝色" in history
    assert "由蓝色升为黄色：报警后 5 分钟仍无人确认" in history


def test_the_site_list_shows_each_sites_state(engine, station, people, client):
    feed(engine, 0, {"ch4": 30})
    client.force_login(people["leader"])
    page = client.get("/sensing/").content.decode()
    state = page.split('data-state="gs1">', 1)[1].split("</td>", 1)[0]
    assert "1 条报警未消除" in state
    assert "/console/command/" in page  # the sites on the command centre's map
