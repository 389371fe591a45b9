"""`finegrid bench petitions`: linking a new petition against a million earlier petitions and
cases, and the petition office's desk with 200,000 petitions, as medians beside baselines
measured in the same run (one indexed lookup of a row by its key; the health check).

The database's own cases count among the earlier rows (their person keys indexed first); the
rest are petitions written for the run — people with a 证件 number and a phone, a third also by
name and address, over two years, most of them concluded — and rolled back at the end, so the
benchmark leaves the database as it found it. `--size` sets the earlier rows (1,000,000)."""

import random
import statistics
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from finegrid.bench import p95, rolled_back, timed_page
from finegrid.cases.models import Case
from finegrid.demo.petitions import FIELDS, PLACES
from finegrid.org.models import Role, RoleAssignment
from finegrid.petitions import linking
from finegrid.petitions.identity import check_char, person_keys
from finegrid.petitions.models import PersonKey, Petition
from finegrid.petitions.registration import Submission, register

DESK_AT = 200_000
BATCH = 5000
OPEN_SHARE = 0.1
STATES = [Petition.State.HANDLING, Petition.State.TRANSFERRED, Petition.State.ANSWERED]
# A p95 needs enough samples to be one: of 20 it was the slowest (the 19th of 0–19), the first,
# cold call among them. 100 samples, after one unmeasured warm-up as the desk's timing has.
LINK_SAMPLES = 100


def main(size: int = 1_000_000, repeats: int = 5, out=None, **_) -> dict:
    say = (lambda message: out.write(f"{message}\n")) if out else (lambda message: None)
    figures = {}
    with rolled_back():
        linking.index_new_cases(limit=10_000_000)
        cases = Case.objects.count()
        office = _office()
        rng = random.Random(18)
        made = Petition.objects.count()
        made += _fill(max(0, min(DESK_AT, size - cases) - made), made, rng, say)
        figures.update(petitions_at_desk=Petition.objects.count(), **_desk(office, repeats, say))
        made += _fill(max(0, size - cases - made), made, rng, say)
        figures.update(earlier_petitions=Petition.objects.count(), earlier_cases=cases,
                       person_keys=PersonKey.objects.count(), **_link(office, made, rng, max(repeats, LINK_SAMPLES), say))
    return figures


def _office():
    User = get_user_model()
    office, _ = User.objects.get_or_create(username="bench_petition_office")
    RoleAssignment.objects.get_or_create(user=office, role=Role.PETITION_OFFICE)
    return office


def _id(n: int) -> str:
    body = f"321002{1940 + n % 60}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return body + check_char(body)


def _fill(count: int, start: int, rng: random.Random, say) -> int:
    """`count` earlier petitions of `count` people, their person keys indexed."""
    if count <= 0:
        return 0
    say(f"writing {count:,} earlier petitions")
    now, fields = timezone.now(), list(FIELDS)
    for first in range(start, start + count, BATCH):
        rows, people = [], []
        for n in range(first, min(first + BATCH, start + count)):
            field = fields[n % len(fields)]
            at = now - timedelta(days=rng.uniform(1, 730))
            is_open = rng.random() < OPEN_SHARE
            rows.append(Petition(
                number=f"BX{n:010d}", state=rng.choice(STATES) if is_open else Petition.State.CONCLUDED, version=1,
                channel="visit", kind="claim", field=field, matter=FIELDS[field][1][n % 2].format(p=PLACES[n % 10]),
                demand=FIELDS[field][2], area_code=f"321002{n % 12 + 1:03d}", registered_at=at, clock_start=at,
                due_at=at + timedelta(days=60) if is_open else None, concluded_at=None if is_open else at))
            people.append(person_keys(_id(n), f"139{n:08d}", f"某{n}", f"某路{n}号" if n % 3 == 0 else ""))
        Petition.objects.bulk_create(rows, batch_size=1000)
        ids = dict(Petition.objects.filter(number__in=[r.number for r in rows]).values_list("number", "pk"))
        PersonKey.objects.bulk_create([PersonKey(key=key, kind=kind, subject="petition", subject_id=ids[row.number])
                                       for row, keys in zip(rows, people) for kind, key in keys.items()],
                                      batch_size=2000)
    return count


def _link(office, earlier: int, rng: random.Random, repeats: int, say) -> dict:
    """A new petition's links: half from a person seen before, half from a stranger; the whole
    registration as well (登记, its keys, its links), against one indexed lookup by number."""
    linked, registered, floor, counted = [], [], [], []
    now = timezone.now()
    _warm_up(office, now)
    for i in range(repeats):
        n = rng.randrange(earlier) if i % 2 == 0 else 50_000_000 + i
        field = list(FIELDS)[n % len(FIELDS)]
        sub = Submission(channel="visit", matter=FIELDS[field][1][n % 2].format(p=PLACES[n % 10]), name=f"某{n}",
                         id_number=_id(n), phone=f"139{n % 10 ** 8:08d}", field=field, area_code=f"321002{n % 12 + 1:03d}")
        start = time.perf_counter()
        petition = register(sub, office, now=now)
        registered.append((time.perf_counter() - start) * 1000)
        keys = linking.keys_of_petition(petition)
        start = time.perf_counter()
        found = linking.candidates(petition, keys)
        linked.append((time.perf_counter() - start) * 1000)
        counted.append(_compared(petition, keys))
        start = time.perf_counter()
        Petition.objects.filter(number=f"BX{rng.randrange(earlier):010d}").values_list("pk", flat=True).first()
        floor.append((time.perf_counter() - start) * 1000)
        if i % 2 == 0 and not any("id" in c.by for c in found):
            raise AssertionError(f"the earlier petitions of person {n} were not found")
    figures = {"link_ms": round(statistics.median(linked), 2), "link_p95_ms": round(p95(linked), 2),
               "register_ms": round(statistics.median(registered), 2),
               "indexed_lookup_baseline_ms": round(statistics.median(floor), 3),
               "link_samples": len(linked), "compared_median": statistics.median(counted), "compared_max": max(counted),
               "slowest_ms": [round(ms, 1) for ms in sorted(linked)[-5:]]}
    say(f"link: {figures['link_ms']} ms (p95 {figures['link_p95_ms']}, {len(linked)} samples, slowest "
        f"{figures['slowest_ms']}), rows compared median {figures['compared_median']} max {figures['compared_max']}, "
        f"whole registration {figures['register_ms']} ms, one indexed lookup {figures['indexed_lookup_baseline_ms']} ms")
    return figures


def _warm_up(office, now) -> None:
    """One registration and link, unmeasured: the process's first loads the text features' code."""
    sub = Submission(channel="visit", matter="预热", name="预热", id_number=_id(99_999_999), phone="13900000000",
                     field=list(FIELDS)[0], area_code="321002001")
    petition = register(sub, office, now=now)
    linking.candidates(petition, linking.keys_of_petition(petition))


def _compared(petition, keys) -> int:
    """How many earlier rows the text was compared with (the candidate count)."""
    found = linking._by_person(petition, keys)
    return len(found) + len(linking._nearby(petition, exclude=found))


def _desk(office, repeats: int, say) -> dict:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(office)
    desk, health = timed_page(client, reverse("petitions:desk"), repeats), timed_page(client, reverse("health"), repeats)
    figures = {"desk_ms": round(desk[0], 1), "desk_queries": desk[1], "health_baseline_ms": round(health[0], 2)}
    say(f"desk: {figures['desk_ms']} ms, {desk[1]} queries; health {figures['health_baseline_ms']} ms")
    return figures
