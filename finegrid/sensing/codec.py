"""The wire format, shared by MQTT and HTTP.

Topic: ``finegrid/{site}/{device}/telemetry`` (site and device codes as registered; the root
``finegrid`` is FINEGRID_MQTT_TOPIC_ROOT's). Payload, a
JSON object of at most 64 KiB, either one measurement::

    {"ts": 1764208800123, "values": {"ch4": 3.2, "o2": 20.9}}

or a gateway's buffer of them::

    {"readings": [{"ts": "2026-11-27T02:00:00Z", "values": {"ch4": 3.2}}, ...]}   (≤ 1000)

`ts` is when the device measured: epoch milliseconds (or seconds), or ISO 8601 with a zone.
`values` maps the device's sensor codes to numbers in the sensor's unit (kinds.KINDS). A
reading is identified by its sensor and `ts`: a message delivered twice is stored once.

Either form may carry `"seq": N`, the device's message number: 0 after it starts, one more for
each message it sends (a buffer is one message). The consumer counts the numbers that never
arrive (sequence.py), so a message lost upstream is seen and reported."""

import json

from django.conf import settings

from .engine import Incoming

MAX_PAYLOAD = 64 * 1024
MAX_READINGS = 1000


class Rejected(Exception):
    """The message cannot be read at all; `reason` is the counter it is counted under."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def device_topic(site: str, device: str, leaf: str) -> str:
    """A device's topic: `leaf` is telemetry (its readings), or alarm and case (finegrid's events);
    "+" for site and device makes the filter that matches every device's."""
    return f"{settings.FINEGRID_MQTT_TOPIC_ROOT}/{site}/{device}/{leaf}"


def telemetry_topic(site: str, device: str) -> str:
    return device_topic(site, device, "telemetry")


def topic_parts(topic: str) -> tuple[str, str]:
    root = settings.FINEGRID_MQTT_TOPIC_ROOT + "/"
    parts = topic[len(root):].split("/") if topic.startswith(root) else []
    if len(parts) != 3 or parts[2] != "telemetry" or not parts[0] or not parts[1]:
        raise Rejected("bad_topic")
    return parts[0], parts[1]


def decode(payload: bytes, device: str, site: str | None = None) -> list[Incoming]:
    """The payload's measurements; raises Rejected when it is not a payload of this scheme."""
    if len(payload) > MAX_PAYLOAD:
        raise Rejected("too_large")
    try:
        body = json.loads(payload)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested beyond reason
        raise Rejected("bad_json")
    if not isinstance(body, dict):
        raise Rejected("bad_payload")
    items = body.get("readings") if "readings" in body else [body]
    if not isinstance(items, list) or not items or len(items) > MAX_READINGS:
        raise Rejected("bad_payload")
    if not all(isinstance(item, dict) for item in items):
        raise Rejected("bad_payload")
    seq = body.get("seq")
    if seq is not None and (type(seq) is not int or not 0 <= seq < 2**63):
        raise Rejected("bad_seq")
    decoded = [Incoming(device, item.get("ts"), item.get("values"), site) for item in items]
    decoded[0].seq = seq  # one number per message: it rides on the message's first measurement
    return decoded


def decode_message(topic: str, payload: bytes) -> list[Incoming]:
    site, device = topic_parts(topic)
    return decode(payload, device, site)


def encode(ts_ms: int, values: dict, seq: int | None = None) -> bytes:
    body = {"ts": ts_ms, "values": values} if seq is None else {"seq": seq, "ts": ts_ms, "values": values}
    return json.dumps(body, separators=(",", ":")).encode()
