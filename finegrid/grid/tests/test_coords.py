"""The coordinate conversions against point pairs published with two widely used open
implementations (eviltransform's tests; coordtransform's README), and the inverses to < 0.5 m."""

import pytest

from finegrid.grid import coords

# eviltransform's test points: (WGS-84 lat, lon) → (GCJ-02 lat, lon).
EVIL = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # 上海
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # 深圳
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # 北京
]
# coordtransform's examples at 116.404, 39.915 (天安门), lon first.
WGS_TO_GCJ = ((116.404, 39.915), (116.41024449916938, 39.91640428150164))
GCJ_TO_BD = ((116.404, 39.915), (116.41036949371029, 39.92133699351021))
BD_TO_GCJ = ((116.404, 39.915), (116.39762729119315, 39.90865673957631))
GCJ_TO_WGS_APPROX = ((116.404, 39.915), (116.39775550083061, 39.91359571849836))  # their one-step inverse
YANGZHOU = (119.4337, 32.3942)  # inside the demo district


@pytest.mark.parametrize("wlat, wlon, glat, glon", EVIL)
def test_wgs84_to_gcj02_matches_published_points(wlat, wlon, glat, glon):
    lon, lat = coords.wgs84_to_gcj02(wlon, wlat)
    assert lon == pytest.approx(glon, abs=1e-9) and lat == pytest.approx(glat, abs=1e-9)


@pytest.mark.parametrize("wlat, wlon, glat, glon", EVIL)
def test_gcj02_to_wgs84_inverts_to_half_a_metre(wlat, wlon, glat, glon):
    back = coords.gcj02_to_wgs84(glon, glat)
    assert coords.metres_between(back, (wlon, wlat)) < 0.5


def test_the_other_published_pairs():
    assert coords.wgs84_to_gcj02(*WGS_TO_GCJ[0]) == pytest.approx(WGS_TO_GCJ[1], abs=1e-9)
    assert coords.gcj02_to_bd09(*GCJ_TO_BD[0]) == pytest.approx(GCJ_TO_BD[1], abs=1e-9)
    # The published BD-09 inverse is approximate; ours is polished, and within a metre of theirs.
    assert coords.metres_between(coords.bd09_to_gcj02(*BD_TO_GCJ[0]), BD_TO_GCJ[1]) < 1.0
    # The one-step GCJ inverse they publish is metres off; the iterated one lands on the point.
    ours = coords.gcj02_to_wgs84(*GCJ_TO_WGS_APPROX[0])
    assert coords.metres_between(coords.wgs84_to_gcj02(*ours), GCJ_TO_WGS_APPROX[0]) < 0.01
    assert coords.metres_between(ours, GCJ_TO_WGS_APPROX[1]) < 5


@pytest.mark.parametrize("system", coords.SYSTEMS)
def test_every_round_trip_is_under_half_a_metre(system):
    shown = coords.from_wgs84(*YANGZHOU, system)
    assert coords.metres_between(coords.to_wgs84(*shown, system), YANGZHOU) < 0.5


def test_the_offsets_are_the_size_phone_maps_show():
    """GCJ-02 moves a point in 扬州 by some hundreds of metres; BD-09 by about a kilometre more."""
    gcj = coords.from_wgs84(*YANGZHOU, coords.GCJ02)
    bd = coords.from_wgs84(*YANGZHOU, coords.BD09)
    assert 200 < coords.metres_between(gcj, YANGZHOU) < 900
    assert 700 < coords.metres_between(bd, gcj) < 1500


def test_no_offset_outside_china_and_names_are_checked():
    assert coords.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert coords.gcj02_to_wgs84(2.35, 48.85) == (2.35, 48.85)
    assert coords.system_of("GCJ-02") == coords.GCJ02 and coords.system_of("baidu") == coords.BD09
    assert coords.system_of("") == coords.WGS84
    with pytest.raises(ValueError):
        coords.system_of("utm50n")


def test_a_geometry_is_shifted_point_by_point():
    import shapely

    square = shapely.box(119.43, 32.39, 119.44, 32.40)
    moved = coords.shift_geometry(square, coords.GCJ02)
    corner = coords.from_wgs84(119.43, 32.39, coords.GCJ02)
    assert min(moved.exterior.coords) == pytest.approx(corner, abs=1e-12)
    assert coords.shift_geometry(square, coords.WGS84) is square
