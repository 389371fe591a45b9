"""The Content-Security-Policy of every page: scripts, styles, images and connections from this
server only, no plugins, no framing, forms posting back here. An injected <script> or an
onclick= attribute does not run, so an escaping slip is not a cross-site script.

Styles keep 'unsafe-inline': the pages colour swatches and size maps with style attributes, and
htmx adds its indicator style; a style cannot run code. A view may set its own, stricter policy
(an uploaded file: `UPLOAD_POLICY`), which this middleware leaves as it is."""

POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
    "font-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
    "frame-ancestors 'none'",
])
# An uploaded file opened in the browser: a sandbox (no script, no form, no same origin), and
# nothing loaded from anywhere.
UPLOAD_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def policy() -> str:
    """POLICY, with the configured base map's tile servers allowed as image sources."""
    from .basemap import current

    basemap = current()
    if basemap is None or not basemap.origins():
        return POLICY
    return POLICY.replace("img-src 'self' data: blob:", "img-src 'self' data: blob: " + " ".join(basemap.origins()))


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", policy())
        return response
