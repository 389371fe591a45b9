import os

from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication

from finegrid.wsgi import application


class Command(BaseCommand):
    help = "Serve finegrid with gunicorn, a production WSGI server (not Django's runserver)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=min(4, (os.cpu_count() or 1) + 1))
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args, host, port, workers, threads, **options):
        self.stdout.write(f"finegrid serving at http://{host}:{port}/ ({workers} workers × {threads} threads)")
        Server(host, port, workers, threads).run()


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
        }
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return application
