"""The same person, the same matter (item 4): a new petition is linked to earlier petitions and
cases that come from the same person — the same 证件 number, the same phone, or the same name and
address together — or that are about the same matter (insight's character n-gram vectors, close by
cosine). Links are proposed here and confirmed by the petition office; a confirmed link puts the
petition under its matter's first petition, which counts its 重复信访 and 越级.

Speed: a person is found by one indexed equality per key on `PersonKey` (keyed hashes of the
normalised values), whatever the number of rows; the text is compared only with those rows and
with the recent petitions of the same field and place, never with the whole table."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Q

from finegrid.cases.models import Case
from finegrid.core.models import audit
from finegrid.insight.duplicates import SAME_PLACE_SIMILARITY
from finegrid.insight.features import CharGrams
from finegrid.insight.model import model_text

from .identity import person_keys
from .models import Link, PersonKey, Petition

SAME_MATTER = SAME_PLACE_SIMILARITY  # insight's threshold for "the same issue at the same place"
PERSON_LIMIT = 200  # earlier rows of one person compared at most (the newest)
NEARBY_LIMIT = 300  # recent petitions of the same field and place compared
NEARBY_WINDOW = timedelta(days=365)
CASE_BATCH = 5000


@dataclass(frozen=True)
class Candidate:
    subject: str  # petition | case
    subject_id: int
    by: frozenset  # id, phone, name_address, text
    similarity: float
    text: str = ""
    concluded: bool = False


def keys_of_petition(petition: Petition) -> dict:
    """The petitioner's keys (the 证件 key is stored: the number itself is sealed)."""
    person = petition.petitioner
    if person is None:
        return {}
    return person_keys("", person.phone, person.name, person.address) | ({"id": person.id_key} if person.id_key else {})


def index(subject: str, subject_id: int, keys: dict) -> None:
    PersonKey.objects.bulk_create([PersonKey(key=key, kind=kind, subject=subject, subject_id=subject_id)
                                   for kind, key in keys.items()], ignore_conflicts=True)


def index_new_cases(limit: int = CASE_BATCH) -> dict:
    """The worker's step: the person keys of cases opened since the last pass (reporter's phone,
    name and address)."""
    last = PersonKey.objects.filter(subject="case").order_by("-subject_id").values_list("subject_id", flat=True).first()
    rows = (Case.objects.filter(pk__gt=last or 0).exclude(reporter_phone="", reporter_name="").order_by("pk")
            .values_list("pk", "reporter_phone", "reporter_name", "address")[:limit])
    keys = [PersonKey(key=key, kind=kind, subject="case", subject_id=pk)
            for pk, phone, name, address in rows for kind, key in person_keys("", phone, name, address).items()]
    PersonKey.objects.bulk_create(keys, ignore_conflicts=True, batch_size=1000)
    return {"indexed": len(keys)}


def candidates(petition: Petition, keys: dict) -> list[Candidate]:
    """Earlier petitions and cases of the same person or matter, most similar first."""
    found = _by_person(petition, keys)
    nearby = _nearby(petition, exclude=found)  # read with their texts: one index walk, no second lookup
    texts = {**_texts(found), **nearby}
    for pair in nearby:
        found[pair] = set()
    if not texts:
        return []
    pairs = [pair for pair in found if pair in texts]
    grams = CharGrams()
    matrix = grams.fit_transform([model_text(petition.matter, petition.demand), *(texts[p][0] for p in pairs)])
    scores = (matrix[1:] @ matrix[0].T).toarray().ravel()
    out = []
    for pair, score in zip(pairs, scores):
        by = set(found[pair]) | ({"text"} if score >= SAME_MATTER else set())
        if by:
            out.append(Candidate(*pair, frozenset(by), float(score), texts[pair][0], texts[pair][1]))
    return sorted(out, key=lambda c: (-len(c.by - {"text"}) - c.similarity, c.subject_id))


def _by_person(petition: Petition, keys: dict) -> dict:
    found: dict = {}
    if not keys:
        return found
    rows = (PersonKey.objects.filter(key__in=list(keys.values())).exclude(subject="petition", subject_id=petition.pk)
            .order_by("-subject_id").values_list("kind", "subject", "subject_id")[:PERSON_LIMIT])
    for kind, subject, subject_id in rows:
        found.setdefault((subject, subject_id), set()).add(kind)
    return found


def _nearby(petition: Petition, exclude: dict) -> dict:
    """The recent petitions of the same field and place, newest first, with their texts."""
    if not petition.field or not petition.area_code:
        return {}
    since = petition.registered_at - NEARBY_WINDOW
    rows = (Petition.objects.filter(field=petition.field, area_code=petition.area_code, registered_at__gte=since)
            .exclude(pk=petition.pk).order_by("-registered_at")
            .values_list("pk", "matter", "demand", "state")[:NEARBY_LIMIT])
    return {("petition", pk): (model_text(matter, demand), state == Petition.State.CONCLUDED)
            for pk, matter, demand, state in rows if ("petition", pk) not in exclude}


def _texts(found: dict) -> dict:
    wanted_petitions = [i for s, i in found if s == "petition"]
    wanted_cases = [i for s, i in found if s == "case"]
    texts = {("petition", pk): (model_text(matter, demand), state == Petition.State.CONCLUDED)
             for pk, matter, demand, state in Petition.objects.filter(pk__in=wanted_petitions)
             .values_list("pk", "matter", "demand", "state")}
    texts.update({("case", pk): (model_text(text, title), False)
                  for pk, text, title in Case.objects.filter(pk__in=wanted_cases)
                  .values_list("pk", "description", "title")})
    return texts


def propose(petition: Petition, keys: dict) -> list[Link]:
    """Proposes the links of a new petition and recognises a 终结 matter submitted again: the same
    person with the same matter. Returns the proposed links."""
    found = candidates(petition, keys)
    links = [Link(petition=petition, subject=c.subject, subject_id=c.subject_id, by=",".join(sorted(c.by)),
                  similarity=round(c.similarity, 3)) for c in found]
    Link.objects.bulk_create(links, ignore_conflicts=True)
    again = next((c for c in found if c.subject == "petition" and c.concluded and "text" in c.by
                  and c.by & {"id", "phone", "name_address"}), None)
    if again:
        first = Petition.objects.filter(pk=again.subject_id).values_list("first_id", flat=True).first()
        Petition.objects.filter(pk=petition.pk).update(again_of=again.subject_id, first=first or again.subject_id)
        petition.again_of_id, petition.first_id = again.subject_id, first or again.subject_id
    return links


@transaction.atomic
def decide(link: Link, user, confirmed: bool, now) -> Link:
    """The petition office confirms or rejects a proposed link; a confirmed link to an earlier
    petition puts this one under that matter's first petition."""
    link.state = Link.State.CONFIRMED if confirmed else Link.State.REJECTED
    link.decided_by, link.decided_at = user, now
    link.save(update_fields=["state", "decided_by", "decided_at"])
    audit("petitions.link_" + link.state, target=f"{link.petition_id}:{link.subject}:{link.subject_id}", actor=user)
    if confirmed and link.subject == "petition":
        first = Petition.objects.filter(pk=link.subject_id).values_list("first_id", flat=True).first()
        Petition.objects.filter(pk=link.petition_id, first__isnull=True).update(first=first or link.subject_id)
    return link


def matter_counts(first_ids) -> dict[int, dict]:
    """Per matter (its first petition): 重复信访 (the petitions after the first) and 越级 (received above the district)."""
    rows = (Petition.objects.filter(first__in=first_ids).values("first")
            .annotate(repeats=Count("pk"), over_level=Count("pk", filter=~Q(level=Petition.Level.DISTRICT))))
    return {row["first"]: {"repeats": row["repeats"], "over_level": row["over_level"]} for row in rows}
