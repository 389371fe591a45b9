"""Sensing pages (the sites of the user's area, one site with its sensors and alarms, the
acknowledgement of an alarm) and the HTTP ingest for devices that do not speak MQTT."""

import hashlib
from datetime import UTC, datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from finegrid.org.scopes import scope_of

from . import queries
from .alarms import AlarmError, acknowledge
from .codec import Rejected, decode
from .engine import default_engine
from .kinds import COLOURS
from .models import Alarm, Device, Site


@login_required
def site_list(request):
    """The monitored sites of the user's area; ?area=CODE narrows to a street, community or grid."""
    scope = scope_of(request.user)
    area = request.GET.get("area", "")[:18]
    found = scope.filter(queries.sites(area if area.isascii() and area.isdigit() else ""), field="area_code")
    return render(request, "sensing/sites.html", {"sites": found, "colours": COLOURS, "area": area})


@login_required
def site_detail(request, code):
    site = get_object_or_404(Site.objects.select_related("unit", "grid"), code=code)
    if not scope_of(request.user).covers_code(site.area_code):
        raise Http404
    alarms = site.alarms.select_related("sensor", "device", "case", "acked_by").order_by("-raised_at")[:50]
    sensors = list(queries.sensors_with_latest(site))
    for sensor in sensors:
        sensor.measured_at = datetime.fromtimestamp(sensor.last_ts / 1000, tz=UTC) if sensor.last_ts else None
    # Whoever may open the site may acknowledge its alarms (`ack` asks the same scope).
    devices = site.devices.order_by("code").only("code", "name", "last_seen_at", "seq", "lost_messages")
    context = {"site": site, "sensors": sensors, "devices": devices, "alarms": alarms, "colours": COLOURS}
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
