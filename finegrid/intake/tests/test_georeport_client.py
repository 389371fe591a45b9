"""A published third-party GeoReport v2 client (PyPI `georeport`) reads finegrid's Open311
endpoint over real HTTP, in XML and in JSON. It only reads, so the POST comes from `requests`,
as an app would send it (a form body)."""

import pytest
import requests
from georeport import GeoReport

from finegrid.intake.inbox import drain

from .conftest import GRID_A


@pytest.fixture
def served(transactional_db, live_server, catalogue):
    from finegrid.intake.keys import issue_key

    record, key = issue_key("georeport")
    return live_server.url + "/open311/v2", key


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_georeport_library_lists_defines_and_reads_requests(served, fmt):
    root, key = served
    client = GeoReport(root, api_key=key, output_format=fmt)
    services = client.get_service_list()
    assert {s["service_code"] for s in services} == {"C0101", "E0101", "H0101"}
    definition = client.get_service_definition("C0101")
    attributes = definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
    assert {a["code"] for a in attributes} >= {"depth", "cover", "risks"}

    posted = requests.post(f"{root}/requests.{fmt}", data={
        "api_key": key, "service_code": "C0101", "lat": GRID_A[1], "long": GRID_A[0],
        "description": "井盖缺失 <b>危险</b>", "attribute[depth]": "15", "attribute[risks][]": ["cars", "people"]})
    assert posted.status_code == 200
    token = posted.json()[0]["token"] if fmt == "json" else posted.text.split("<token>")[1].split("<")[0]
    drain()  # what `finegrid worker` does every step
    found = requests.get(f"{root}/tokens/{token}.{fmt}")
    ticket = found.json()[0]["service_request_id"] if fmt == "json" else \
        found.text.split("<service_request_id>")[1].split("<")[0]

    one = client.get_service_request(ticket)
    assert one["service_request_id"] == ticket and one["description"] == "井盖缺失 <b>危险</b>"
    assert one["status"] == "open" and one["expected_datetime"]
    listed = client.get_service_requests(service_code="C0101", status="open")
    # JSON: a list of requests; XML (xmltodict): the one <request> as a dict
    assert ticket in str(listed)
