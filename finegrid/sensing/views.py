"""Sensing pages (the sites of the user's area, one site with its sensors and alarms, the
acknowledgement of an alarm) and the HTTP ingest for devices that do not speak MQTT."""

import hashlib
from datetime import UTC, datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, OuterRef, Prefetch, Subquery
from django.http import Http404, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from finegrid.org.scopes import scope_of

from . import pages, queries
from .alarms import AlarmError, acknowledge
from .codec import Rejected, decode
from .engine import default_engine
from .kinds import COLOURS
from .models import Alarm, AlarmEvent, Device, Site

TREND_SENSORS = 8  # trend charts drawn on a site's page; a larger site's others show their figures


@login_required
def site_list(request):
    """The monitored sites of the user's area, each with its state (worst active alarm, devices
    silent, last reading); ?area=CODE narrows to a street, community or grid."""
    scope = scope_of(request.user)
    area = request.GET.get("area", "")[:18]
    found = scope.filter(queries.sites(area if area.isascii() and area.isdigit() else ""), field="area_code")
    # Subqueries, not joins: a join on the devices would multiply the sites' alarm counts.
    of_site = Device.objects.filter(site=OuterRef("pk"), active=True).order_by().values("site")
    found = found.annotate(device_count=Subquery(of_site.annotate(n=Count("pk")).values("n")),
                           last_reading=Subquery(of_site.annotate(at=Max("last_seen_at")).values("at")))
    sites = list(found)
    offline = set(Alarm.objects.filter(queries.ACTIVE, rule="offline", site__in=[s.pk for s in sites])
                  .values_list("site_id", flat=True))
    for site in sites:
        site.colour = COLOURS.get(site.worst)
        site.offline = site.pk in offline
    return render(request, "sensing/sites.html", {"sites": sites, "area": area})


@login_required
def site_detail(request, code):
    """One site: each sensor's latest reading with its unit, the thresholds in force and its
    trend over 24 h; the devices; the alarms in words with their history (why a colour changed)."""
    site = get_object_or_404(Site.objects.select_related("unit", "grid"), code=code)
    if not scope_of(request.user).covers_code(site.area_code):
        raise Http404
    now = timezone.now()
    events = Prefetch("events", queryset=AlarmEvent.objects.order_by("at", "pk"))
    alarms = list(site.alarms.select_related("sensor", "device", "case", "acked_by").prefetch_related(events)
                  .order_by("-raised_at")[:50])
    for alarm in alarms:
        alarm.colour = COLOURS.get(alarm.severity)  # its text is Alarm.text, in the reader's language
        alarm.steps = pages.history(alarm, alarm.events.all())
    sensors = list(queries.sensors_with_latest(site).select_related("device__site"))
    for index, sensor in enumerate(sensors):
        sensor.measured_at = datetime.fromtimestamp(sensor.last_ts / 1000, tz=UTC) if sensor.last_ts else None
        sensor.unit = pages.KINDS[sensor.kind].unit
        sensor.in_force = pages.thresholds(sensor)
        sensor.chart = pages.trend(sensor, now) if index < TREND_SENSORS else None
    # Whoever may open the site may acknowledge its alarms (`ack` asks the same scope).
    devices = site.devices.order_by("code").only("code", "name", "last_seen_at", "seq", "lost_messages", "interval_s",
                                                 "offline_after")
    for device in devices:
        device.offline_rule = pages.offline_text(device)
    context = {"site": site, "sensors": sensors, "devices": devices, "alarms": alarms, "trend_hours": pages.TREND_HOURS}
    return render(request, "sensing/site.html", context)


@login_required
@require_POST
def ack(request, pk):
    alarm = get_object_or_404(Alarm.objects.select_related("site"), pk=pk)
    # The staff whose area holds the alarm, as for the site page: scope_of counts no resident,
    # security administrator or auditor (三员分立), so none of them reaches an alarm.
    if not scope_of(request.user).covers_code(alarm.area_code):
        raise Http404
    try:
        acknowledge(alarm, request.user, request.POST.get("comment", "")[:1000])
    except AlarmError as error:
        return HttpResponseForbidden(str(error))
    return redirect("sensing:site", code=alarm.site.code)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@csrf_exempt
@require_POST
def ingest(request):
    """POST a telemetry payload (codec.py) with `Authorization: Bearer <device token>`."""
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.startswith("Bearer ") else ""
    device = Device.objects.filter(token_hash=token_hash(token), active=True).first() if token else None
    if device is None:
        return JsonResponse({"error": "unknown or missing device token"}, status=401)
    engine = default_engine()
    try:
        items = decode(request.body, device.code)
    except Rejected as error:
        engine.count(error.reason)
        return JsonResponse({"error": error.reason}, status=400)
    outcome = engine.process(items)
    body = {"accepted": outcome.accepted, "late": outcome.late, "rejected": dict(outcome.rejected)}
    return JsonResponse(body, status=202 if outcome.accepted or outcome.late else 400,
                        json_dumps_params={"ensure_ascii": False})
