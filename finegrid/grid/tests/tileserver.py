"""A tile server for the browser tests, on 127.0.0.1: every tile is drawn here with Pillow (a
pale land, "roads" every few hundred metres and a "river", continuous across tiles, and the
tile's z/x/y), so the maps are tested on real PNG tiles with nothing fetched from outside.

It answers XYZ (/xyz/{z}/{x}/{y}.png) and WMTS KVP GetTile (/wmts?…&TILEMATRIX=z&TILEROW=y&
TILECOL=x&tk=…), and keeps every request it was asked (path and query), for the tests to read."""

import io
import math
import threading
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TILE = 256
LAND, ROAD, RIVER, TEXT = (242, 239, 233), (255, 255, 255), (170, 205, 235), (150, 150, 150)


@lru_cache(maxsize=2048)
def tile_png(z: int, x: int, y: int) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (TILE, TILE), LAND)
    draw = ImageDraw.Draw(image)
    # Roads every `step` world pixels at this zoom (≈ 300 m apart, whatever the zoom).
    step = max(16, int(TILE * 2 ** z / 40075016 * 300))
    ox, oy = x * TILE, y * TILE
    for gx in range(-(ox % step), TILE, step):
        draw.line([(gx, 0), (gx, TILE)], fill=ROAD, width=3 if z >= 14 else 1)
    for gy in range(-(oy % step), TILE, step):
        draw.line([(0, gy), (TILE, gy)], fill=ROAD, width=3 if z >= 14 else 1)
    # Rivers: sines in world pixels, one every seven blocks, so they run on from tile to tile.
    period = step * 7
    for row in range(oy // period - 1, (oy + TILE) // period + 2):
        points = [(px, row * period + step * 1.5 * math.sin((ox + px) / (step * 2.0)) - oy) for px in range(0, TILE + 8, 4)]
        draw.line(points, fill=RIVER, width=max(3, step // 6))
    draw.text((6, 6), f"{z}/{x}/{y}", fill=TEXT)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


class TileServer:
    def __init__(self):
        self.requests: list[tuple[str, dict]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 — http.server's name
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                owner.requests.append((parts.path, query))
                zxy = owner._zxy(parts.path, query)
                if zxy is None:
                    self.send_error(404)
                    return
                body = tile_png(*zxy)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "max-age=3600")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @staticmethod
    def _zxy(path: str, query: dict) -> tuple[int, int, int] | None:
        try:
            if path.startswith("/xyz/"):
                z, x, y = path[len("/xyz/"):].removesuffix(".png").split("/")
                return int(z), int(x), int(y)
            if path.startswith("/wmts"):
                return int(query["TILEMATRIX"]), int(query["TILECOL"]), int(query["TILEROW"])
        except (KeyError, ValueError):
            return None
        return None

    def tiles_served(self) -> int:
        return sum(1 for path, query in self.requests if self._zxy(path, query) is not None)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
