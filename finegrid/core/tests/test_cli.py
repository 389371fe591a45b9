import json

from finegrid.cli import main


def test_hyphenated_commands_reach_their_django_commands(tiny, tmp_path):
    out = tmp_path / "grids.geojson"
    main(["finegrid", "export-grids", "--level", "grid", "-o", str(out)])
    features = json.loads(out.read_text())["features"]
    assert len(features) == 8 and {f["properties"]["level"] for f in features} == {"grid"}


def test_health_answers_ok(client, db):
    assert client.get("/health").json() == {"status": "ok"}
