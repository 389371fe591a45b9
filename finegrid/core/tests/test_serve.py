import os
import socket
import subprocess
import sys
import time
import urllib.request


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_runs_gunicorn_and_answers_health(tmp_path):
    port = _free_port()
    env = {**os.environ, "FINEGRID_DEMO": "1", "FINEGRID_DATA_DIR": str(tmp_path)}
    env.pop("FINEGRID_DATABASE_URL", None)  # the server only needs a database that answers
    server = subprocess.Popen(
        [sys.executable, "-m", "finegrid.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        body = _get_when_up(f"http://127.0.0.1:{port}/health", deadline=time.monotonic() + 30)
        assert body == '{"status": "ok"}'
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "gunicorn" in output.lower() or "Booting worker" in output


def _get_when_up(url: str, deadline: float) -> str:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
