"""The stories a case lives: the main path and its side paths, duplicates, and the open work left
for the console."""

import random
from datetime import datetime
from itertools import accumulate

from django.db.models import Max

from finegrid.cases.actions import FINAL, SYSTEM
from finegrid.cases.calendar import Limit, LimitKind
from finegrid.cases.models import Case
from finegrid.cases.reporting import ticket_for
from .life import Sim, daytime, human, minutes
from .mix import HOUR, LIVE_STATES, LIVE_WINDOW, MINUTE, RATINGS, REASONS, RESIDENT_CHANNELS, SHARES, YEAR, S
from .reports import describe, draw, reporter, urgency
from .world import World


def life(sim: Sim, world: World, rng: random.Random) -> None:
    """Report → (核实) → 立案 → 派遣 → 处置 → 反馈 → (核查) → 结案 → (评价), with the case's side path."""
    leaf = sim.leaf
    t = sim.step(sim.reported_at, "report", sim.reporter_actor)
    if sim.fate == "void":
        sim.step(t + minutes(rng, 10, 240), "void", world.operator, reason=rng.choice(REASONS["void"]))
        return
    if leaf.verify:
        delay = minutes(rng, 2, 20) if sim.channel == "patrol" else minutes(rng, 30, 300)
        t = sim.step(daytime(t + delay, 8, 18, rng), "verify", world.worker(sim))
    if sim.channel == "sensor":
        t = sim.step(t + minutes(rng, 0.5, 3), "accept")  # the platform accepts a sensor alarm by itself
    else:
        t = sim.step(t + (minutes(rng, 10, 150) if leaf.verify else minutes(rng, 3, 45)), "accept", world.operator)
    t = _dispatch(sim, world, rng, t)
    _handle(sim, world, rng, t)


def _dispatch(sim, world, rng, t) -> datetime:
    """派遣: at once by the system when the matrix names one primary unit (dispatch.auto_dispatch),
    else by the dispatcher, who now and then picks the wrong one of two."""
    primary, _secondary = world.responsible(sim.leaf, sim.area_code)
    if len(primary) == 1:
        return sim.step(t, "dispatch", unit=primary[0], reason=world.auto_reason)
    if primary:
        choice = primary[0] if rng.random() < 0.6 else rng.choice(primary[1:])
        if rng.random() < SHARES["wrong_pick"] and not sim.fate:
            sim.fate = "reassign"
    else:
        choice = world.fallback(sim.leaf, sim.area_code)
    # The dispatcher's queue: minutes to hours, and what comes in late at night waits for the morning.
    return sim.step(daytime(t + minutes(rng, 10, 360), 7, 22, rng), "dispatch", world.dispatcher, unit=choice)


def _handle(sim, world, rng, t) -> None:
    unit = sim.unit_code
    if sim.fate == "send_back" or unit not in world.handlers:
        if unit in world.handlers:
            t = sim.step(t + minutes(rng, 30, 360), "send_back", world.handlers[unit],
                         reason=rng.choice(REASONS["send_back"]))
            t = sim.step(t + minutes(rng, 10, 90), "dispatch", world.dispatcher,
                         unit=world.fallback(sim.leaf, sim.area_code, avoid=unit))
        else:  # nobody at that unit can act: the dispatcher re-routes it
            t = sim.step(t + minutes(rng, 30, 240), "reassign", world.dispatcher,
                         unit=world.fallback(sim.leaf, sim.area_code, avoid=unit), reason=REASONS["reassign"][1])
    elif sim.fate == "reassign":
        t = sim.step(t + minutes(rng, 60, 1200), "reassign", world.dispatcher,
                     unit=world.fallback(sim.leaf, sim.area_code, avoid=unit), reason=rng.choice(REASONS["reassign"]))
    handler = world.handlers[sim.unit_code]
    t = t + minutes(rng, 5, 90)
    t = sim.step(t if sim.limit.kind == LimitKind.URGENT_HOURS else daytime(t, 8, 18, rng), "start", handler)
    if sim.fate == "park":
        sim.step(daytime(sim.moment(rng.uniform(0.3, 0.9)), 8, 18, rng), "park", world.supervisor,
                 reason=rng.choice(REASONS["park"]))
        return
    late = rng.random() < world.late.get(sim.unit_code, SHARES["late"])
    extend = (late and rng.random() < SHARES["rescued"]) or rng.random() < SHARES["extension_anyway"]
    if extend:
        late = _extend(sim, world, rng, handler, late)
    finish = sim.moment(1 + rng.expovariate(2.0)) if late else (
        _extended_finish(sim, rng) if extend else sim.moment(rng.uniform(0.1, 0.92)))
    if late and rng.random() < SHARES["supervise"]:
        nudge = daytime(sim.due_at + (finish - sim.due_at) * rng.uniform(0.1, 0.5), 8, 18, rng)
        if nudge < finish:
            sim.step(nudge, "supervise", world.supervisor, reason=rng.choice(REASONS["supervise"]))
    _finish(sim, world, rng, handler, finish)


def _extend(sim, world, rng, handler, late: bool) -> bool:
    """延期: the handler asks well before the deadline, a supervisor decides within hours; a refused
    extension leaves the case to run late."""
    asked = sim.step(sim.moment(rng.uniform(0.45, 0.7)), "extend_request", handler,
                     reason=rng.choice(REASONS["extend_request"]), data={"limit": _extension(sim.limit, rng)})
    decided = asked + min(minutes(rng, 60, 360), (sim.due_at - asked) / 2)
    if rng.random() < SHARES["extension_refused"]:
        sim.step(decided, "extend_reject", world.supervisor, reason=REASONS["extend_reject"][0])
        return True
    sim.step(decided, "extend_approve", world.supervisor)
    return False


def _extension(limit: Limit, rng: random.Random) -> str:
    if limit.kind == LimitKind.URGENT_HOURS:
        return f"{rng.choice((2, 4, 8))}紧急工作时"
    return f"{rng.choice((2, 3, 5))}工作日"


def _extended_finish(sim, rng) -> datetime:
    """Within the extended window, by whatever time is left of it."""
    start = max(sim.last, sim.window_start)
    return start + (sim.due_at - start) * rng.uniform(0.3, 0.9)


def _finish(sim, world, rng, handler, finish: datetime) -> None:
    """反馈 → (返工 → 反馈) → (核查) → 结案 spread over the time left before `finish` (the close)."""
    start, span = sim.last, finish - sim.last
    marks = sorted(rng.uniform(0.5, 0.95) for _ in range(4))
    checker = world.worker(sim) if sim.leaf.check else world.operator
    if rng.random() < world.rework.get(sim.unit_code, SHARES["rework"]):
        sim.step(human(start + span * marks[0] * 0.6, finish, rng), "report_done", handler)
        sim.step(human(start + span * marks[0] * 0.8, finish, rng), "rework", checker,
                 reason=rng.choice(REASONS["rework"]))
    sim.step(human(start + span * marks[1], finish, rng), "report_done", handler)
    if sim.leaf.check:
        sim.step(human(start + span * marks[2], finish, rng), "check_ok", checker)
    sim.step(max(finish, sim.last + MINUTE), "close", world.operator)
    _rate(sim, world, rng, handler)


def _rate(sim, world, rng, handler) -> None:
    """评价 of a resident's case: mostly 4–5, worse when it was late; a 1 or 2 may reopen it."""
    if sim.channel not in RESIDENT_CHANNELS or sim.anonymous or not sim.reporter_name:
        return
    by = world.operator if sim.channel == "hotline" and rng.random() < SHARES["rated_by_operator"] else None
    table = RATINGS["again"] if _reopened(sim) else RATINGS["late"] if sim.alarm == "red" else RATINGS["on_time"]
    rating = draw(rng, list(table), list(accumulate(table.values())))
    t = sim.step(sim.last + minutes(rng, 120, 2880), "rate", by, data={"rating": rating})
    if rating > 2 or sim.channel != "hotline" or _reopened(sim) or rng.random() >= SHARES["reopen"]:
        return
    sim.step(t + minutes(rng, 60, 1440), "reopen", world.operator, reason=REASONS["reopen"][0])
    sim.step(sim.last + minutes(rng, 10, 240), "start", handler)
    _finish(sim, world, rng, handler, sim.moment(rng.uniform(0.2, 0.9)))


def _reopened(sim) -> bool:
    return any(row[1] == "reopen" for row in sim.rows)


def keep_live_work(sims, rng: random.Random, seed: int, per_state: int) -> None:
    """Cut a few recent stories short right after they reach each open state, as work nobody has
    picked up yet: the console has cases waiting in every state whatever the hour of `end`."""
    saved = [s for s in sims if hasattr(s, "initial")]
    recent = {s.key for s in saved if s.reported_at >= s.world.end - LIVE_WINDOW}
    chosen = set()
    for state in LIVE_STATES:
        fits = [s for s in saved if s.key not in chosen and s.state != state and _passes(s, state)]
        fits = [s for s in fits if s.key in recent] or fits  # a stale one only when no recent case fits
        for sim in rng.sample(fits, min(per_state, len(fits))):
            chosen.add(sim.key)
            sim.rerun(seed, state)


def _passes(sim, state: str) -> bool:
    """Whether the story reaches `state` and could rest there: an accepted case the system
    dispatched in the same moment never waited in the dispatcher's queue."""
    for row, after in zip(sim.rows, [*sim.rows[1:], None]):
        if row[3] == state:
            return not (state == S.ACCEPTED and after and after[1] == "dispatch" and after[6] == SYSTEM)
    return False


def duplicates(world, rng, sims, count: int, seed: int) -> list[Sim]:
    """合并: a second report of the same problem (same grid and category) while the first is open."""
    masters = [s for s in sims if s.fate != "void" and len(s.rows) > 1 and s.leaf.public
               and s.channel in ("hotline", "web", "open311", "patrol")]
    dups = []
    for key in range(len(sims), len(sims) + count * 3):
        if len(dups) == count or not masters:
            break
        master = rng.choice(masters)
        closes = next((row[8] for row in master.rows if row[3] in FINAL), world.end + YEAR)
        latest = min(master.reported_at + 48 * HOUR, closes - 70 * MINUTE, world.end)
        first = master.reported_at + 10 * MINUTE
        if latest <= first:
            continue
        at = first + (latest - first) * rng.random()
        channel = rng.choice(("hotline", "hotline", "web", "open311"))
        sim = Sim(world, key, channel=channel, leaf=master.leaf, category_id=master.category_id,
                   area_code=master.area_code, grid_id=master.grid_id, lon=master.lon, lat=master.lat,
                   reported_at=at.replace(microsecond=0), master=master, fate="duplicate")
        sim.urgency = urgency(master.leaf, rng) if channel == "hotline" else ""
        describe(sim, world, rng)
        reporter(sim, world, rng, seed)
        dups.append(sim)
    return dups


def duplicate_life(sim: Sim, world: World, rng: random.Random) -> None:
    t = sim.step(sim.reported_at, "report", sim.reporter_actor)
    sim.step(t + minutes(rng, 5, 60), "merge", world.operator, data={"master": sim.master.ticket})


def number(sims) -> None:
    """Ids in the order of reporting, after the cases already stored; tickets as `ticket_for` makes them."""
    first = (Case.objects.aggregate(last=Max("id"))["last"] or 0) + 1
    for pk, sim in enumerate(sims, first):
        sim.id = sim.pk = pk
        sim.ticket = ticket_for(sim)
