"""The base map the district configured (settings.FINEGRID_BASEMAP): which tiles the maps draw
on, in which coordinate system, with which credit line and 审图号. Read per request, so a test
or an operator's change of settings takes effect without a restart of this module.

Three kinds of service: an XYZ template (an intranet GIS, 高德 or any {z}/{x}/{y} server), a
WMTS endpoint (KVP GetTile on a GoogleMapsCompatible matrix set), and 天地图, whose two layers
(vec_w roads and cva_w names) are built from its key `tk`. Every kind ends as Leaflet tile URL
templates. No tiles configured → None, and the pages draw their offline maps instead."""

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SYSTEMS = ("wgs84", "gcj02", "bd09")  # grid.coords' names (core sits below grid)
TIANDITU = "https://t{s}.tianditu.gov.cn/%s_w/wmts"
TIANDITU_CREDIT = "© 天地图 国家地理信息公共服务平台"


@dataclass(frozen=True)
class Basemap:
    tiles: str  # a Leaflet URL template
    labels: str  # a second template drawn over the first, or ""
    subdomains: str
    crs: str
    attribution: str
    approval: str
    max_zoom: int
    approved: bool = False  # a national service (天地图) whose tiles carry their own 审图号

    @property
    def public(self) -> bool:
        """Only an approved map (a 审图号 configured, or 天地图's) may be shown to the public
        (《地图管理条例》): the resident pages draw no base map otherwise."""
        return self.approved or bool(self.approval)

    def credit(self) -> str:
        return " · ".join(part for part in (self.attribution, self.approval) if part)

    def for_page(self) -> dict:
        """What the page's script reads (json_script)."""
        return {"tiles": self.tiles, "labels": self.labels, "subdomains": self.subdomains, "crs": self.crs,
                "attribution": self.credit(), "maxZoom": self.max_zoom}

    def origins(self) -> list[str]:
        """The origins the tiles come from, for the Content-Security-Policy's img-src."""
        return sorted({origin for url in (self.tiles, self.labels) if url and (origin := _origin(url))})


def _wmts(endpoint: str, layer: str, matrix_set: str, extra: dict | None = None) -> str:
    query = urlencode({"SERVICE": "WMTS", "REQUEST": "GetTile", "VERSION": "1.0.0", "LAYER": layer,
                       "STYLE": "default", "TILEMATRIXSET": matrix_set, "FORMAT": "tiles", **(extra or {})})
    join = "&" if "?" in endpoint else "?"
    return f"{endpoint}{join}{query}&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}"


def _origin(url: str) -> str:
    parts = urlsplit(url.replace("{s}", "0"))
    if not parts.scheme or not parts.netloc:
        return ""  # a path on this server: 'self' covers it
    host = parts.netloc
    if "{s}" in urlsplit(url).netloc:  # t{s}.tianditu.gov.cn → every subdomain of the service
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


def current() -> Basemap | None:
    raw = getattr(settings, "FINEGRID_BASEMAP", None) or {}
    kind = (raw.get("kind") or "xyz").lower()
    if kind != "tianditu" and not raw.get("url"):
        return None
    crs = (raw.get("crs") or "wgs84").lower()
    if crs not in SYSTEMS:
        raise ImproperlyConfigured(f"FINEGRID_BASEMAP_CRS must be one of {', '.join(SYSTEMS)}, not {crs!r}")
    max_zoom = int(raw.get("max_zoom") or 18)
    if kind == "tianditu":
        if not raw.get("key"):
            raise ImproperlyConfigured("FINEGRID_BASEMAP_KIND=tianditu needs FINEGRID_BASEMAP_KEY (天地图's tk)")
        endpoint = raw.get("url") or TIANDITU
        tk = {"tk": raw["key"]}
        return Basemap(_wmts(endpoint % "vec" if "%s" in endpoint else endpoint, "vec", "w", tk),
                       _wmts(TIANDITU % "cva", "cva", "w", tk) if not raw.get("url") else raw.get("labels_url", ""),
                       "01234567", "wgs84", raw.get("attribution") or TIANDITU_CREDIT,
                       raw.get("approval") or "", min(max_zoom, 18), approved=True)
    if kind == "wmts":
        if not (raw.get("layer") and raw.get("matrix_set")):
            raise ImproperlyConfigured("FINEGRID_BASEMAP_KIND=wmts needs FINEGRID_BASEMAP_LAYER and _MATRIX_SET")
        tiles = _wmts(raw["url"], raw["layer"], raw["matrix_set"], {"tk": raw["key"]} if raw.get("key") else None)
    elif kind == "xyz":
        tiles = raw["url"].replace("{tk}", raw.get("key") or "")
    else:
        raise ImproperlyConfigured(f"FINEGRID_BASEMAP_KIND must be xyz, wmts or tianditu, not {kind!r}")
    labels = (raw.get("labels_url") or "").replace("{tk}", raw.get("key") or "")
    return Basemap(tiles, labels, "abc", crs, raw.get("attribution") or "", raw.get("approval") or "", max_zoom)
