"""Signs out a session idle for longer than security.IDLE_TIMEOUT (等保 2.0 登录连接超时), and
sends a person whose password has expired (口令定期更换) to the page that changes it.

Activity is a request a person made: the live panels' own polling (htmx, marked `passive`)
does not count, or a console left open on a wall would never time out. The password's expiry is
read once at sign-in and kept in the session, so no page pays a query for it."""

import time

from django.contrib.auth import logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import security

KEY = "finegrid_last_seen"
PASSWORD_KEY = "finegrid_password_expires"  # epoch seconds, set at sign-in and at each change
TOUCH_EVERY = 60  # seconds
API_PREFIX = "/api/"


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(KEY, now)
            if now - last > security.IDLE_TIMEOUT.total_seconds():
                logout(request)
                if request.path.startswith(API_PREFIX):  # a script wants a status, not a login page
                    return JsonResponse({"detail": _("The session has expired: sign in again.")}, status=401)
                if request.headers.get("HX-Request"):
                    response = self.get_response(request)
                    response["HX-Redirect"] = reverse("login")
                    return response
                return redirect(f"{reverse('login')}?next={request.path}")
            # Written at most once a minute: a session save is a database write.
            if not request.GET.get("passive") and now - last >= TOUCH_EVERY or KEY not in request.session:
                request.session[KEY] = now
            expires = request.session.get(PASSWORD_KEY)
            if expires is not None and now > expires and not _may_pass(request.path):
                if request.path.startswith(API_PREFIX):
                    return JsonResponse({"detail": _("The password has expired: change it in the console.")},
                                        status=403)
                return _to(request, reverse("console:password"))
        return self.get_response(request)


def _may_pass(path: str) -> bool:
    """Pages an expired password still reaches: changing it, signing out, the language, files."""
    allowed = (reverse("console:password"), reverse("logout"), reverse("set_language"))
    return path in allowed or path.startswith(("/static/", "/media/"))


def _to(request, url: str):
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
