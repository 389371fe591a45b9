"""Signs out a session idle for longer than security.IDLE_TIMEOUT (等保 2.0 登录连接超时).

Activity is a request a person made: the live panels' own polling (htmx, marked `passive`)
does not count, or a console left open on a wall would never time out."""

import time

from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from . import security

KEY = "finegrid_last_seen"
TOUCH_EVERY = 60  # seconds


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(KEY, now)
            if now - last > security.IDLE_TIMEOUT.total_seconds():
                logout(request)
                if request.headers.get("HX-Request"):
                    response = self.get_response(request)
                    response["HX-Redirect"] = reverse("login")
                    return response
                return redirect(f"{reverse('login')}?next={request.path}")
            # Written at most once a minute: a session save is a database write.
            if not request.GET.get("passive") and now - last >= TOUCH_EVERY or KEY not in request.session:
                request.session[KEY] = now
        return self.get_response(request)
