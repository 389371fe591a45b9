"""A refusal inside the site's frame: a desk's "not found" answers 404 with the menu, a sentence
and the way back to one's own desk, not the server's bare page. It says the same whether the
page does not exist or is not the user's (a stranger does not learn which pages exist)."""

from functools import wraps

from django.http import Http404
from django.shortcuts import render


def framed_not_found(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return render(request, "not_here.html", status=404)
    return wrapped
