"""Places residents name instead of their street, added to the demo gazetteer: the facts of
data/named-places.json (a compound, school, market or sight and the community it lies in) and, by
rule, the compound a community is named after (杉湾花园社区 → 杉湾花园, 翠月嘉苑社区 → 翠月嘉苑).

Each is placed at its community's point, so a mention resolves to that community and street.
A community is also known by its name without 社区 (residents say "教场那边", "住在东花园"), when no
other place has that name. Idempotent: a name the gazetteer already has is left as it is."""

import json
from pathlib import Path

from django.utils import timezone

from finegrid.grid.gazetteer import STREET_ONLY
from finegrid.grid.models import Place

DATA = Path(__file__).resolve().parent / "data" / "named-places.json"
# A community's name without 社区 names a compound when it ends like one.
COMPOUND_ENDINGS = ("花园", "新苑", "嘉苑", "南园", "苑", "新村", "家园", "玺园")
KINDS = {"compound": Place.Kind.COMPOUND, "road": Place.Kind.ROAD, "area": Place.Kind.AREA}


def named_places() -> list[dict]:
    """The facts of the data file and the compounds communities are named after."""
    facts = json.loads(DATA.read_text(encoding="utf-8"))["places"]
    return facts + compounds_named_by_communities({f["name"] for f in facts})


def compounds_named_by_communities(known: set[str]) -> list[dict]:
    out = []
    for community in Place.objects.filter(kind=Place.Kind.COMMUNITY, name__endswith="社区"):
        stem = community.name.removesuffix("社区")
        if stem.endswith(COMPOUND_ENDINGS) and len(stem) >= 3 and stem not in known:
            out.append({"name": stem, "kind": "compound", "community": community.name, "street": None,
                        "aliases": [f"{stem}小区"]})
    return out


def seed_named_places() -> int:
    """Add the named places the gazetteer lacks; returns how many were added."""
    communities = {p.name: p for p in Place.objects.filter(kind=Place.Kind.COMMUNITY).order_by("pk")}
    have = set(Place.objects.values_list("name", flat=True))
    made = []
    streets = {p.name: p for p in Place.objects.filter(kind=Place.Kind.STREET).order_by("pk")}
    for fact in named_places():
        # A fact known only to its street or town stands at the street's point and names the street alone.
        within = communities.get(fact["community"]) if fact["community"] else streets.get(fact["street"])
        if within is None or fact["name"] in have:
            continue
        subkind = fact["kind"] if fact["community"] else fact["kind"] + STREET_ONLY
        made.append(Place(name=fact["name"], kind=KINDS.get(fact["kind"], Place.Kind.LANDMARK), subkind=subkind,
                          aliases=[a for a in fact.get("aliases", []) if a != fact["name"] and a not in have],
                          geometry=within.geometry, lon=within.lon, lat=within.lat,
                          street_codes=list(within.street_codes)))
        have |= {fact["name"], *fact.get("aliases", [])}
    Place.objects.bulk_create(made)
    return len(made) + _community_short_names(communities.values())


def _community_short_names(communities) -> int:
    """The name without 社区 as an alias of each community, when no place is called so already."""
    taken = {name for p in Place.objects.exclude(kind=Place.Kind.COMMUNITY) for name in (p.name, *p.aliases)}
    stems = [c.name.removesuffix("社区") for c in communities]
    changed, now = [], timezone.now()
    for community, stem in zip(communities, stems):
        if (community.name.endswith("社区") and len(stem) >= 2 and stem not in taken and stems.count(stem) == 1
                and stem not in community.aliases):
            community.aliases, community.updated_at = [*community.aliases, stem], now
            changed.append(community)
    # bulk_update skips auto_now: updated_at is set by hand, or the gazetteer's fingerprint (the count
    # and newest change of places) would not see the new aliases and a snapshot would keep the old ones.
    Place.objects.bulk_update(changed, ["aliases", "updated_at"])
    return len(changed)
