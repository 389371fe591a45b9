import ipaddress
import logging
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.module_loading import import_string
from gunicorn.app.base import BaseApplication

from finegrid.core.declared import declared
from finegrid.settings import DEMO_SECRET_KEY
from finegrid.wsgi import application


logger = logging.getLogger("finegrid.serve")


class Command(BaseCommand):
    help = "Serve finegrid with gunicorn, a production WSGI server (not Django's runserver)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=min(4, (os.cpu_count() or 1) + 1))
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args, host, port, workers, threads, **options):
        refuse_public_demo_key(host)
        self.stdout.write(f"finegrid serving at http://{host}:{port}/ ({workers} workers × {threads} threads)")
        Server(host, port, workers, threads).run()


def refuse_public_demo_key(host: str) -> None:
    """The demo's secret key is in the source: anyone could sign a session cookie with it. A
    server using it listens on this machine only (127.0.0.1, ::1, localhost)."""
    if settings.SECRET_KEY != DEMO_SECRET_KEY:
        return
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise CommandError(f"the demo secret key is public: serve it on 127.0.0.1, not {host}, "
                           "or set FINEGRID_SECRET_KEY to a long random value")


def warm_up(worker=None) -> None:
    """Each worker process runs the apps' `warm_ups` before it accepts a request (a cold cache paid
    by a resident's first request is that request's latency)."""
    for path in declared("warm_ups"):
        try:
            import_string(path)()
        except Exception as error:  # an optimisation (the request builds it anyway); no tables yet, say
            logger.warning("warm-up %s skipped: %s", path, error)
    connections.close_all()  # the request threads open their own


class Server(BaseApplication):
    def __init__(self, host, port, workers, threads):
        self.options = {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "timeout": 60,
            "accesslog": "-",
            "graceful_timeout": 20,
            "post_worker_init": warm_up,
        }
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return application
