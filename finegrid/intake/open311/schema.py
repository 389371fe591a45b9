"""An OpenAPI 3 description of finegrid's Open311 GeoReport v2 endpoint (served at
/open311/v2/openapi.json): documentation for integrators, and the map schemathesis fuzzes by."""

from django.http import JsonResponse

FORMAT = {"name": "format", "in": "path", "required": True, "schema": {"type": "string", "enum": ["json", "xml"]}}
ERRORS = {"description": "GeoReport errors: [{code, description}] or <errors><error>…",
          "content": {"application/json": {"schema": {"type": "array", "items": {
              "type": "object", "required": ["code", "description"],
              "properties": {"code": {"type": "integer"}, "description": {"type": "string"}}}}},
              "text/xml": {"schema": {"type": "string"}}}}
LIST = {"content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                    "text/xml": {"schema": {"type": "string"}}}}
OBJECT = {"content": {"application/json": {"schema": {"type": "object"}}, "text/xml": {"schema": {"type": "string"}}}}


def _query(*names) -> list:
    return [{"name": n, "in": "query", "required": False, "schema": {"type": "string"}} for n in names]


def _get(summary, ok, *parameters, not_found=False) -> dict:
    responses = {"200": {"description": "found", **ok}, "400": ERRORS}
    if not_found:
        responses["404"] = ERRORS
    return {"summary": summary, "parameters": [FORMAT, *parameters], "responses": responses}


POST_REQUEST = {
    "type": "object", "required": ["service_code"],
    "properties": {name: {"type": "string"} for name in [
        "api_key", "jurisdiction_id", "service_code", "lat", "long", "coords", "address_string", "address_id", "email",
        "device_id", "account_id", "first_name", "last_name", "phone", "description", "media_url",
        "attribute[depth]"]},
}
POST_UPDATE = {
    "type": "object", "required": ["service_request_id"],
    "properties": {name: {"type": "string"} for name in [
        "api_key", "service_request_id", "update_id", "status", "updated_datetime", "description", "media_url",
        "first_name", "last_name", "email"]},
}


def _post(summary, body) -> dict:
    return {"summary": summary, "parameters": [FORMAT],
            "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": body}}},
            "responses": {"200": {"description": "taken in", **LIST}, "400": ERRORS, "403": ERRORS, "404": ERRORS}}


SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "finegrid Open311 GeoReport v2", "version": "2",
             "description": "http://wiki.open311.org/GeoReport_v2 with page/page_size, extensions=true and "
                            "mySociety's servicerequestupdates. POSTs need an api_key (body or query)."},
    "paths": {
        "/open311/v2/discovery.{format}": {"get": _get("Service discovery", OBJECT)},
        "/open311/v2/services.{format}": {"get": _get("The public catalogue", LIST)},
        "/open311/v2/services/{code}.{format}": {"get": _get(
            "A service definition", OBJECT, {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}},
            not_found=True)},
        "/open311/v2/requests.{format}": {
            "get": _get("Service requests", LIST, *_query("service_request_id", "service_code", "start_date", "end_date",
                                                           "status", "page", "page_size", "extensions")),
            "post": _post("Report a problem: queued and answered with a token (every service is batch)",
                          POST_REQUEST)},
        "/open311/v2/requests/{id}.{format}": {"get": _get(
            "One service request", LIST, {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
            *_query("extensions"), not_found=True)},
        "/open311/v2/tokens/{token}.{format}": {"get": _get(
            "The request a token became (service_request_id empty while the report waits)", LIST, {"name": "token", "in": "path", "required": True,
                                                 "schema": {"type": "string"}}, not_found=True)},
        "/open311/v2/servicerequestupdates.{format}": {
            "get": _get("Updates of requests (mySociety)", LIST, *_query("start_date", "end_date")),
            "post": _post("Add an update to a request (mySociety)", POST_UPDATE)},
    },
}


def openapi(request):
    return JsonResponse(SPEC)
