"""Plain queries for pages and the console: active alarms under a region code prefix, counts
by colour, sites with their worst alarm, a site's sensors with their latest readings."""

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery

from .models import Alarm, IngestCounter, Reading, Sensor, Site

ACTIVE = Q(active_key__isnull=False)


def active_alarms(prefix: str = "", min_severity: int = 0) -> QuerySet:
    """Active alarms whose site lies under `prefix` (a street, community or grid code), worst first."""
    alarms = Alarm.objects.filter(ACTIVE, area_code__startswith=prefix, severity__gte=min_severity)
    return alarms.select_related("site", "device", "sensor", "case").order_by("-severity", "-raised_at")


def unacknowledged(prefix: str = "") -> QuerySet:
    states = [Alarm.State.ACTIVE_UNACK, Alarm.State.CLEARED_UNACK]
    return Alarm.objects.filter(area_code__startswith=prefix, state__in=states).select_related("site", "sensor")


def alarm_counts(prefix: str = "") -> dict[int, int]:
    """Active alarms under `prefix` by severity (1 blue … 4 red)."""
    rows = Alarm.objects.filter(ACTIVE, area_code__startswith=prefix).values("severity").annotate(n=Count("id"))
    return {row["severity"]: row["n"] for row in rows}


def sites(prefix: str = "") -> QuerySet:
    """Sites under `prefix`, each with `active_alarms` and `worst` (its highest active severity, or None)."""
    active = Q(alarms__active_key__isnull=False)
    return (Site.objects.filter(area_code__startswith=prefix, active=True)
            .annotate(active_alarms=Count("alarms", filter=active), worst=Max("alarms__severity", filter=active))
            .select_related("unit").order_by("-worst", "code"))


def sensors_with_latest(site: Site) -> QuerySet:
    """The site's sensors, each with `last_value` and `last_ts` (epoch ms) of its newest reading."""
    newest = Reading.objects.filter(sensor=OuterRef("pk")).order_by("-ts")
    return (Sensor.objects.filter(device__site=site).select_related("device")
            .annotate(last_value=Subquery(newest.values("value")[:1]), last_ts=Subquery(newest.values("ts")[:1]))
            .order_by("device__code", "code"))


def readings(sensor: Sensor, since_ms: int, limit: int = 2000) -> list[tuple[int, float]]:
    """(ts, value) of a sensor from `since_ms` on, oldest first (for a chart)."""
    rows = Reading.objects.filter(sensor=sensor, ts__gte=since_ms).order_by("-ts").values_list("ts", "value")[:limit]
    return list(reversed(rows))


def ingest_totals() -> dict[str, int]:
    return dict(IngestCounter.objects.values_list("name", "value"))
