from django.apps import AppConfig


class BenchConfig(AppConfig):
    """An app only so that `finegrid bench` is one of its commands: no models, no URLs."""

    name = "finegrid.bench"
    verbose_name = "Benchmarks"
