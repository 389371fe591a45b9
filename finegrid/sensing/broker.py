"""The Mosquitto configuration finegrid needs (`finegrid broker-config`), as text.

Why each setting: Mosquitto's defaults keep at most 1,000 messages for a disconnected client and
nothing across a restart, so a consumer down for a few seconds at a few hundred messages a second
lost thousands of readings the devices had PUBACKs for. Here the broker persists its state, queues
enough for the ingest's session to ride out an outage, and knows every device by a password of its
own, allowed to publish on its own topic only (over MQTT a device is otherwise just a topic name).

The password file uses Mosquitto's own hash (PBKDF2-SHA512, `$7$iterations$salt$hash`, what
mosquitto_passwd writes), so the file can be written where the broker is not installed."""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path

from .codec import device_topic, telemetry_topic

ITERATIONS = 101  # mosquitto_passwd's own count for $7$
QUEUE = 1_000_000  # messages kept per disconnected client: 16 min at 1,000 messages/s
QUEUE_BYTES = 1024 ** 3
AUTOSAVE_S = 60  # a broker that crashes (not one stopped) loses at most this much of its queues
INGEST_USER = "finegrid-ingest"
INGEST_ACCESS = [("read", "telemetry"), ("readwrite", "alarm"), ("readwrite", "case")]  # (access, topic leaf)


def password_hash(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, ITERATIONS)
    return f"$7${ITERATIONS}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, kind, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if kind != "7":
        return False
    computed = hashlib.pbkdf2_hmac("sha512", password.encode(), base64.b64decode(salt), int(iterations))
    return hmac.compare_digest(base64.b64encode(computed).decode(), digest)


@dataclass
class Account:
    """A broker login: the ingest's, or a device's (its code, its site's topic)."""

    user: str
    hash: str
    topics: list  # (access, topic)


def device_account(site: str, device: str, broker_hash: str) -> Account:
    return Account(device, broker_hash, [("write", telemetry_topic(site, device))])


def ingest_account(password: str) -> Account:
    topics = [(access, device_topic("+", "+", leaf)) for access, leaf in INGEST_ACCESS]
    return Account(INGEST_USER, password_hash(password), topics)


def passwords(accounts: list[Account]) -> str:
    return "".join(f"{account.user}:{account.hash}\n" for account in accounts)


def acl(accounts: list[Account]) -> str:
    """Nothing for anyone not listed: with an acl_file, Mosquitto denies every topic not granted."""
    blocks = ["# Written by `finegrid broker-config`: each device writes its own telemetry topic only.\n"]
    for account in accounts:
        lines = "".join(f"topic {access} {topic}\n" for access, topic in account.topics)
        blocks.append(f"\nuser {account.user}\n{lines}")
    return "".join(blocks)


def config(folder: Path, port: int, bind: str = "", queue: int = QUEUE, user: str = "") -> str:
    """`user`: whom a broker started as root runs as (Mosquitto's default: mosquitto)."""
    where = f"listener {port} {bind}".rstrip()
    run_as = f"user {user}\n" if user else ""
    return f"""# Written by `finegrid broker-config`. Reload after a device is added: kill -HUP the broker.
{run_as}{where}
allow_anonymous false
password_file {folder / "passwd"}
acl_file {folder / "acl"}

# The ingest's persistent session (QoS 1, clean start off) outlives a restart of the broker:
# its queue is saved on shutdown and every {AUTOSAVE_S} s.
persistence true
persistence_location {folder / "data"}/
autosave_interval {AUTOSAVE_S}

# Enough queue for the ingest to be away for a while at full rate (the default, 1,000 messages,
# dropped thousands in a few seconds, and said so only in the broker's log).
max_queued_messages {queue}
max_queued_bytes {QUEUE_BYTES}
# The consumer acknowledges a batch once it is stored: no cap below its own Receive Maximum.
max_inflight_messages 0
queue_qos0_messages false
"""
