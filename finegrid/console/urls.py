from django.urls import path

from .views import administration, cases, command, desks, governance, mapdata, overview, password, triage

app_name = "console"
urlpatterns = [
    path("", desks.home, name="home"),
    path("cases/", cases.case_list, name="cases"),
    path("cases/<str:ticket>/", cases.case_detail, name="case"),
    path("cases/<str:ticket>/act/<str:action>/", cases.case_act, name="act"),
    path("cases/<str:ticket>/location/", cases.case_location, name="case_location"),
    path("cases/<str:ticket>/photos/<int:pk>/", cases.evidence_file, name="photo"),
    path("command/", command.command, name="command"),
    path("command/map/", command.district_map, name="map"),
    path("command/map/areas.json", mapdata.areas, name="map_areas"),  # the base map's overlays
    path("command/map/cases.json", mapdata.cases, name="map_cases"),
    path("command/map/sites.json", mapdata.sites, name="map_sites"),
    path("feed/", command.feed, name="feed"),
    path("queue/", command.queue, name="queue"),
    path("queue/bulk/", command.queue_bulk, name="queue_bulk"),
    path("queue/<str:name>/", command.queue, name="queue_named"),
    path("queue/hint/<str:ticket>/", command.queue_hint, name="queue_hint"),
    path("queue/accept/<str:ticket>/", triage.accept, name="triage_accept"),
    path("queue/dispatch/<str:ticket>/", triage.dispatch_to, name="triage_dispatch"),
    path("merge/", command.merge, name="merge"),
    path("unit/", desks.unit_desk, name="unit_desk"),
    path("worker/", desks.worker, name="worker"),
    path("overview/", overview.overview, name="overview"),
    path("overview/ranking/<str:by>/", overview.ranking, name="ranking"),
    path("overview/trend/", overview.trend, name="trend"),
    path("overview/topics/", overview.hot_topics, name="hot_topics"),
    path("overview/panels/<str:name>/", overview.app_panel, name="app_panel"),
    path("administration/", administration.administration, name="administration"),
    path("administration/<str:name>/export/", administration.export_sheet, name="admin_export"),
    path("administration/<str:name>/import/", administration.import_sheet, name="admin_import"),
    path("password/", password.change_password, name="password"),
    path("audit/", governance.audit_log, name="audit"),
    path("security/", governance.security_desk, name="security"),
    path("security/unlock/", governance.unlock, name="unlock"),
]
