from finegrid.grid.models import Region
from finegrid.intake import bench
from finegrid.intake.matrix import Matrix
from finegrid.org.models import Responsibility, Unit
from finegrid.org.responsibility import rows_for

WRK = """Running 10s test @ http://127.0.0.1:8000/health
  Latency Distribution
     50%    3.10ms
     99%   45.20ms
  12000 requests in 10.00s, 2.1MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   1200.50
"""


def test_the_hotline_benchmark_imports_and_rolls_back(catalogue):
    figures = bench.hotline(200, 1, lambda message: None)
    assert figures["hotline_rows_per_s"] > 0 and figures["csv_read_rows_per_s"] > 0
    from finegrid.cases.models import Case

    assert not Case.objects.exists()  # every write rolled back


def test_wrk_output_is_read_for_rate_p99_and_errors():
    assert bench._parse_wrk(WRK) == {"rps": 1200.5, "p99_ms": 45.2, "errors": 3}
    assert bench._ms("1.5s") == 1500 and bench._ms("800us") == 0.8


def test_the_matrix_in_memory_answers_as_the_database_does(catalogue):
    district, street = Region.objects.get(code="321002"), Region.objects.get(code="321002001")
    a = Unit.objects.create(code="a", name="A", kind="department", region=district)
    b = Unit.objects.create(code="b", name="B", kind="street", region=street)
    Responsibility.objects.create(category_code="C", region=district, unit=a)
    Responsibility.objects.create(category_code="C01", region=street, unit=b)
    Responsibility.objects.create(category_code="E", region=district, unit=a)
    Responsibility.objects.create(category_code="E", region=district, unit=b)  # two primaries: no automatic 派遣
    matrix = Matrix()
    for category in ("C0101", "C0201", "E0101", "H0101"):
        for area in ("321002001001", "321002002001"):
            primary = [row.unit for row in rows_for(category, area) if row.primary]
            assert matrix[(category, area)] == (primary[0] if len(primary) == 1 else None), (category, area)
