import io
import json

from django.core.management import call_command

from finegrid.cases.models import Case, Notice, Transition


def test_bench_cases_measures_and_leaves_the_database_as_it_was(world):
    out = io.StringIO()
    call_command("bench", "cases", "--size", "0", "--repeats", "1", "--json", stdout=out, stderr=io.StringIO())
    figures = json.loads(out.getvalue())
    assert figures["take_in_cps"] > 0 and figures["open_many_cps"] > 0 and figures["raw_insert_cps"] > 0
    assert figures["fan_out_transitions_per_s"] > 0
    assert Case.objects.count() == 0 and Transition.objects.count() == 0 and not Notice.objects.exists()
