"""The base map's settings become Leaflet tile templates, a credit line with the 审图号, and the
tile servers the Content-Security-Policy lets images come from."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from finegrid.core import basemap
from finegrid.core.csp import POLICY, policy


def test_no_url_no_base_map(settings):
    settings.FINEGRID_BASEMAP = {"kind": "xyz", "url": ""}
    assert basemap.current() is None
    assert policy() == POLICY


def test_an_xyz_template_with_its_key_credit_and_origin(settings):
    settings.FINEGRID_BASEMAP = {"kind": "xyz", "url": "https://webrd0{s}.is.autonavi.com/t?x={x}&y={y}&z={z}&k={tk}",
                                 "key": "K", "crs": "gcj02", "attribution": "© 高德", "approval": "GS(2099)1号"}
    found = basemap.current()
    assert found.tiles.endswith("&k=K") and found.crs == "gcj02" and found.public
    assert found.credit() == "© 高德 · GS(2099)1号"
    assert found.origins() == ["https://*.is.autonavi.com"]
    assert "img-src 'self' data: blob: https://*.is.autonavi.com;" in policy()


def test_a_wmts_endpoint_and_tianditu(settings):
    settings.FINEGRID_BASEMAP = {"kind": "wmts", "url": "http://gis.example.internal/wmts", "layer": "vec",
                                 "matrix_set": "GoogleMapsCompatible"}
    tiles = basemap.current().tiles
    assert tiles.startswith("http://gis.example.internal/wmts?SERVICE=WMTS&REQUEST=GetTile")
    assert "LAYER=vec" in tiles and tiles.endswith("TILEMATRIX={z}&TILEROW={y}&TILECOL={x}")
    assert not basemap.current().public  # an intranet GIS without a 审图号: staff pages only
    settings.FINEGRID_BASEMAP = {"kind": "tianditu", "key": "tk1"}
    tianditu = basemap.current()
    assert "vec_w/wmts" in tianditu.tiles and "cva_w/wmts" in tianditu.labels and "tk=tk1" in tianditu.labels
    assert tianditu.public and tianditu.crs == "wgs84" and tianditu.origins() == ["https://*.tianditu.gov.cn"]


@pytest.mark.parametrize("raw", [{"kind": "tianditu"}, {"kind": "wmts", "url": "http://x/wmts"},
                                 {"kind": "xyz", "url": "http://x/{z}", "crs": "utm"}, {"kind": "tms", "url": "http://x"}])
def test_a_bad_setting_says_what_is_wrong(settings, raw):
    settings.FINEGRID_BASEMAP = raw
    with pytest.raises(ImproperlyConfigured):
        basemap.current()
