"""The public home at `/` for visitors: report a problem, follow a report; staff sign in apart.
(Signed-in staff get their grid map at `/` as before: console.views.grid_pages.home.)"""

from django.shortcuts import render


def public_home(request):
    return render(request, "intake/home.html")
