"""Open311 GeoReport v2 documents in its two formats, from the same plain Python values.

XML: UTF-8 with the XML declaration, no namespace, lists as repeated child elements; JSON: lists
are arrays (a single request is still an array of one). Datetimes are W3C with their zone."""

import re
from datetime import datetime
from xml.etree.ElementTree import Element, SubElement, tostring

from django.http import HttpResponse
from django.utils import timezone

NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot carry
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
# The element a list's members are written as in XML.
MEMBER = {"services": "service", "service_requests": "request", "attributes": "attribute", "values": "value",
          "endpoints": "endpoint", "formats": "format", "errors": "error", "notes": "note",
          "service_request_updates": "request_update"}


def w3c(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _scalar(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return w3c(value)
    return NOT_XML.sub("", str(value))


def _json_value(value):
    if isinstance(value, datetime):
        return w3c(value)
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


def _fill(element: Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(SubElement(element, key), child)
    elif isinstance(value, list):
        tag = MEMBER.get(element.tag, "item")
        for child in value:
            _fill(SubElement(element, tag), child)
    else:
        element.text = _scalar(value)


def xml_bytes(root: str, value) -> bytes:
    element = Element(root)
    _fill(element, value)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(element, encoding="utf-8", xml_declaration=False)


def document(fmt: str, root: str, value, status: int = 200) -> HttpResponse:
    """`value` is a list (a list document: services, service_requests…) or a dict (one object)."""
    if fmt == "json":
        import json

        body = json.dumps(_json_value(value), ensure_ascii=False).encode()
    else:
        body = xml_bytes(root, value)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """GeoReport's error document: one <error> with the HTTP code and a description per problem."""
    return document(fmt, "errors", [{"code": status, "description": text} for text in descriptions], status=status)
