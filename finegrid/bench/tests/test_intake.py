from finegrid.bench import intake as bench

WRK = """Running 10s test @ http://127.0.0.1:8000/health
  Latency Distribution
     50%    3.10ms
     99%   45.20ms
  12000 requests in 10.00s, 2.1MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   1200.50
"""


def test_the_hotline_benchmark_imports_and_rolls_back(catalogue, active_small_model):
    figures = bench.hotline(200, 1, lambda message: None)
    assert figures["hotline_rows_per_s"] > 0 and figures["csv_read_rows_per_s"] > 0
    from finegrid.cases.models import Case

    assert not Case.objects.exists()  # every write rolled back


def test_wrk_output_is_read_for_rate_p99_and_errors():
    assert bench._parse_wrk(WRK) == {"rps": 1200.5, "p99_ms": 45.2, "errors": 3}
    assert bench._ms("1.5s") == 1500 and bench._ms("800us") == 0.8
