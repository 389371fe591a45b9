"""`finegrid bench petitions` on a small world: it finds the earlier petitions of a person seen
before, measures the desk, and leaves the database as it found it."""

from finegrid.bench import petitions
from finegrid.petitions.models import PersonKey, Petition


def test_the_petitions_benchmark_measures_and_rolls_back(world):
    figures = petitions.main(size=400, repeats=2)
    assert figures["earlier_petitions"] >= 400 and figures["petitions_at_desk"] >= 400
    assert figures["link_ms"] > 0 and figures["desk_ms"] > 0 and figures["indexed_lookup_baseline_ms"] > 0
    assert not Petition.objects.exists() and not PersonKey.objects.exists()
