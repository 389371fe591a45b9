"""The auditor's log reads case actions from the transition rows: the console, the API, a batch
and the worker are audited alike, and nothing writes an audit entry for a case action twice."""

from django.urls import reverse

from finegrid.cases.bulk import Report, open_many
from finegrid.cases.workflow import perform
from finegrid.core.models import AuditEntry, audit


def test_case_actions_from_every_path_are_in_the_audit_log_once(client, world, case_a):
    perform(case_a, "accept", world["operator"])  # as the API or the console takes it
    [batch] = open_many([Report(title="路灯不亮", channel="hotline", category_code="C0101", lon=119.405, lat=32.415)],
                        accept=True)
    audit("unlock", target="operator", actor=world["secadmin"])
    assert not AuditEntry.objects.filter(action__startswith="case_").exists()
    client.force_login(world["auditor"])
    page = client.get(reverse("console:audit")).content.decode()
    assert page.count(case_a.ticket) == 2 and "case_report" in page and "case_accept" in page
    assert batch.ticket in page and '<span class="muted">unlock</span>' in page
    only = client.get(reverse("console:audit"), {"action": "case_accept"}).content.decode()
    assert case_a.ticket in only and batch.ticket in only and '<span class="muted">unlock</span>' not in only
    mine = client.get(reverse("console:audit"), {"actor": "operator"}).content.decode()
    assert case_a.ticket in mine and batch.ticket not in mine
    answer = client.get(reverse("console:audit"), {"export": "csv", "q": case_a.ticket})
    sheet = b"".join(answer.streaming_content).decode("utf-8-sig")
    assert sheet.count(case_a.ticket) == 2


def test_the_log_is_newest_first_across_both_sources(world, case_a):
    from finegrid.console import audit_log

    perform(case_a, "accept", world["operator"])
    audit("grid.import", target="grids.geojson", actor=world["admin"])
    lines = list(audit_log.lines({}))
    assert [line.at for line in lines] == sorted((line.at for line in lines), reverse=True)
    assert lines[0].action == "grid.import" and {"case_report", "case_accept"} <= {line.action for line in lines}


def test_a_chinese_auditor_reads_words_not_codes(client, world, case_a):
    """Actions by their declared names, details as "label: value" in the reader's language, and
    the filter offers every step of every machine (派遣 and 评价 included)."""
    perform(case_a, "accept", world["operator"])
    audit("unlock", target="operator", actor=world["secadmin"], ip="127.0.0.1")
    client.force_login(world["auditor"])
    page = client.get(reverse("console:audit"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "账户解锁" in page and "立案" in page
    assert "{&#x27;ip&#x27;" not in page and "{'ip'" not in page and "127.0.0.1" in page
    options = client.get(reverse("console:audit"), HTTP_ACCEPT_LANGUAGE="zh-hans").context["actions"]
    codes = {code for code, _ in options}
    assert {"case_dispatch", "case_rate", "case_accept", "login", "unlock"} <= codes
    answer = client.get(reverse("console:audit"), {"export": "csv"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    sheet = b"".join(answer.streaming_content).decode("utf-8-sig")
    assert sheet.splitlines()[0].startswith("时间,操作人,")
    assert "账户解锁" in sheet


def test_every_audit_action_the_code_writes_has_its_words():
    """An action no app names shows to the auditor as its code (tasks.cadre.read): each `audit("…")`
    in the source must be declared in its app's `audit_words` (a prefix for a built code)."""
    import re
    from pathlib import Path

    from finegrid.console.audit_words import action_words

    root = Path(__file__).resolve().parents[2]
    written = {code for path in root.rglob("*.py") if "tests" not in path.parts
               for code in re.findall(r'audit\(\s*"([a-z_.]+)"', path.read_text(encoding="utf-8"))}
    words = action_words()
    unnamed = {code for code in written if not any(name == code or name.startswith(code) for name in words)}
    assert unnamed == set()
