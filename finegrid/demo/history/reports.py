"""Drawing a case as it is reported: channel, category, place, moment, reporter and its side path."""

import random
from bisect import bisect
from datetime import UTC, datetime, timedelta

from ..staff import demo_name, demo_phone

from finegrid.cases.calendar import LimitKind
from .life import Sim
from .mix import INTRO, LOCAL, SHARES
from .world import World


def draw(rng: random.Random, items, cumulative):
    return items[bisect(cumulative, rng.random() * cumulative[-1])]


def sample(world: World, rng: random.Random, key: int, seed: int) -> "Sim":
    """A case as reported: channel, category, place, moment and reporter."""
    channel = draw(rng, world.channels, world.channel_weights)
    leaf = draw(rng, *world.pools[channel])
    code, grid_id, lon, lat = draw(rng, world.cells, world.cell_weights)
    sim = Sim(world, key, channel=channel, leaf=leaf, category_id=leaf.id, area_code=code, grid_id=grid_id,
               lon=lon, lat=lat, reported_at=moment(world, rng, channel))
    sim.urgency = urgency(leaf, rng) if channel == "hotline" else ""
    describe(sim, world, rng)
    reporter(sim, world, rng, seed)
    fate(sim, world, rng)
    return sim


def moment(world: World, rng: random.Random, channel: str) -> datetime:
    days, weights = world.days[channel]
    while True:
        day = draw(rng, days, weights)
        hour = bisect(world.hours[channel], rng.random() * world.hours[channel][-1])
        local = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(hours=hour, seconds=rng.randrange(3600))
        moment = local - LOCAL
        if world.start <= moment <= world.end:
            return moment


def urgency(leaf, rng: random.Random) -> str:
    """接诉即办 tier: 2 h when life or property is at risk, 24 h for utilities, 15 days when complex."""
    if leaf.limit.kind == LimitKind.URGENT_HOURS:
        return "2h" if leaf.limit.value <= 2 else "24h"
    if leaf.utility:
        return "24h"
    if leaf.complex and rng.random() < 0.7:
        return "15d"
    return "7d"


def describe(sim, world: World, rng: random.Random) -> None:
    code, leaf = sim.area_code, sim.leaf
    street, community = world.names.get(code[:9], ""), world.names.get(code[:12], "")
    grid = world.grid_names.get(sim.grid_id, "")
    what = rng.choice(leaf.keywords) if leaf.keywords else leaf.name
    sim.address = f"{street}{community}{grid}"
    sim.title = {"patrol": f"{grid}{leaf.name}", "sensor": f"{leaf.name}报警"}.get(
        sim.channel, f"{community}{what}问题")[:200]
    sim.description = f"{INTRO[sim.channel]}{sim.address}，{leaf.name}：{leaf.condition_text}"


def reporter(sim, world: World, rng: random.Random, seed: int) -> None:
    if sim.channel == "patrol":
        sim.reporter_actor = world.workers.get(sim.grid_id)
        if sim.reporter_actor:
            user_id, username, _role = sim.reporter_actor
            sim.reporter_id = user_id
            sim.reporter_name, sim.reporter_phone = world.people.get(user_id, (username, ""))
        return
    if sim.channel == "sensor":
        sim.external_id = f"{sim.leaf.code}-{sim.area_code[-9:]}"
        return
    if sim.channel in ("web", "open311") and rng.random() < SHARES["anonymous"]:
        sim.anonymous = True
        return
    who = f"resident:{seed}:{sim.key}"
    sim.reporter_name, sim.reporter_phone = demo_name(who), demo_phone(who)  # the 1380000 test block
    if sim.channel == "hotline":
        sim.external_id = f"12345-{seed}-{sim.key:07d}"


def fate(sim, world: World, rng: random.Random) -> None:
    """The side path the case will take, and the unit the matrix points it to first."""
    roll = rng.random()
    shares = [("void", SHARES["void"]), ("park", SHARES["park"]), ("send_back", SHARES["send_back"]),
              ("reassign", SHARES["reassign"])]
    sim.fate = ""
    for name, share in shares:
        if roll < share:
            sim.fate = name
            break
        roll -= share
    primary, _secondary = world.responsible(sim.leaf, sim.area_code)
    sim.planned = primary[0] if primary else world.fallback(sim.leaf, sim.area_code)
