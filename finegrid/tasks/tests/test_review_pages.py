"""The pages of the review (merge, split), the progress form's targets, linked data and the cadre
records' entry, as their users post them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from finegrid.conftest import make_user
from finegrid.core.models import AuditEntry
from finegrid.org.models import Person, Role
from finegrid.tasks import rules
from finegrid.tasks.models import (
    CadreEvidence, CadreRecord, CompetenceDimension, CompetenceRater, KeyTask, MonthlyFigure, TaskMeasure,
)
from finegrid.tasks.store import issue_tree, store

from .factories import START, outline
from .test_pages import _png


@pytest.fixture
def draft(world):
    rules.forget()
    return store(outline(), title="测试报告", actor=world["supervision"], now=START)


def client_of(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_office_merges_and_splits_drafts_from_the_task_page(draft, world):
    first, second, third = (draft.tasks.get(number=n) for n in ("一是", "二是", "1"))
    office = client_of(world["supervision"])
    page = office.get(f"/tasks/{first.pk}/").content.decode()
    assert 'value="merge"' in page and 'value="split"' in page and f'<option value="{second.pk}">' in page
    office.post(f"/tasks/{first.pk}/act/", {"action": "merge", "version": first.version, "other": second.pk})
    first.refresh_from_db()
    assert first.more_sources and KeyTask.objects.get(pk=second.pk).state == KeyTask.State.CANCELLED
    page = office.get(f"/tasks/{first.pk}/").content.decode()
    assert "二是加快城管执法改革。" in page and "Merged into this task" in page
    office.post(f"/tasks/{third.pk}/act/", {"action": "split", "version": third.version, "cuts": "4500人"})
    assert [c.passage for c in KeyTask.objects.get(pk=third.pk).children.order_by("order")] == ["新增城镇就业",
                                                                                              "4500人。"]
    handler = client_of(world["handler_cgj"])  # a unit neither merges nor splits
    handler.post(f"/tasks/{first.pk}/act/", {"action": "split", "version": first.version + 1, "cuts": "年底前"})
    assert not KeyTask.objects.get(pk=first.pk).branch


def test_the_progress_form_has_one_labelled_field_per_target(draft, world):
    issue_tree(draft, world["supervision"], now=START)
    leaf = draft.tasks.get(number="一是")
    target = leaf.targets.get()
    client = client_of(world["handler_cgj"])
    client.post(f"/tasks/{leaf.pk}/act/", {"action": "confirm", "version": leaf.version})
    page = client.get(f"/tasks/{leaf.pk}/").content.decode()
    assert f'name="target_{target.pk}"' in page and "标准厂房 reached" in page and "id=value" not in page
    leaf.refresh_from_db()
    answer = client.post(f"/tasks/{leaf.pk}/act/", {"action": "report_progress", "version": leaf.version,
                                                   "percent": "30", f"target_{target.pk}": "四点五"}, follow=True)
    assert "value reached for 标准厂房 is a number, not 四点五" in answer.content.decode()
    client.post(f"/tasks/{leaf.pk}/act/", {"action": "report_progress", "version": leaf.version, "percent": "30",
                                         f"target_{target.pk}": "4.5"})
    target.refresh_from_db()
    assert target.reached == 4.5


def test_the_office_links_a_task_to_a_monthly_figure_and_enters_the_figures(draft, world):
    task = draft.tasks.get(number="1")
    office = client_of(world["supervision"])
    office.post(f"/tasks/{task.pk}/act/", {"action": "link_measure", "version": task.version,
                                         "source": "monthly_figure", "target": "4500", "indicator": "新增城镇就业"})
    assert TaskMeasure.objects.get(task=task).params == {"indicator": "新增城镇就业"}
    office.post("/tasks/figures/", {"indicator": "新增城镇就业", "month": "2026-02", "value": "900"})
    assert MonthlyFigure.objects.get().value == 900
    page = office.get("/tasks/figures/").content.decode()
    assert "新增城镇就业" in page and AuditEntry.objects.filter(action="tasks.figure.enter").exists()
    assert client_of(world["leader"]).post("/tasks/figures/", {"indicator": "x", "month": "2026-02",
                                                               "value": "1"}).status_code == 403
    assert client_of(world["handler_cgj"]).get("/tasks/figures/").status_code == 403


@pytest.fixture
def cadre(world):
    user = make_user("cadre", Role.HANDLER, unit=world["cgj"])
    Person.objects.create(user=user, full_name="王建国")
    for n, name in enumerate(("政治素质", "担当作为")):
        CompetenceDimension.objects.create(name=name, order=n)
    for n, name in enumerate(("分管领导", "同级互评")):
        CompetenceRater.objects.create(name=name, order=n)
    return user


def test_the_organisation_department_enters_every_kind_of_cadre_record(cadre, world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    org = client_of(world["organisation"])
    url = f"/tasks/cadres/{cadre.pk}/records/"
    assert "王建国" in org.get("/tasks/evaluation/").content.decode()  # by name, not user name
    org.post(url, {"kind": "quarterly", "period": "2026-q3", "rating": "较好", "superior": world["leader"].pk})
    org.post(url, {"kind": "annual", "period": "2026", "rating": "优秀"})
    answer = org.post(url, {"kind": "annual", "period": "2026", "rating": "好"}, follow=True)  # a quarter's word
    assert "the rating is one of" in answer.content.decode()
    dims = {d.name: d.pk for d in CompetenceDimension.objects.all()}
    raters = {r.name: r.pk for r in CompetenceRater.objects.all()}
    org.post(url, {"kind": "competence", "period": "2026", "rater": raters["分管领导"],
                   f"score_{dims['政治素质']}": "90", f"score_{dims['担当作为']}": "80"})
    org.post(url, {"kind": "competence", "period": "2026", "rater": raters["同级互评"],
                   f"score_{dims['政治素质']}": "85"})
    org.post(url, {"kind": "tolerance", "period": "2026", "decision": "符合容错情形，予以免责",
                   "evidence": SimpleUploadedFile("认定书.png", _png(), content_type="image/png")})
    records = CadreRecord.objects.filter(cadre=cadre)
    assert sorted(records.values_list("kind", flat=True)) == ["annual", "competence", "quarterly", "tolerance"]
    assert records.get(kind="quarterly").period == "2026-Q3"
    assert records.get(kind="competence").scores == {"政治素质": {"分管领导": 90.0, "同级互评": 85.0},
                                                     "担当作为": {"分管领导": 80.0}}
    page = org.get(f"/tasks/cadres/{cadre.pk}/").content.decode()
    assert "87.5" in page and "<td class=\"num\">2</td>" in page  # the average and how many rated
    evidence = CadreEvidence.objects.get()
    assert org.get(f"/tasks/cadres/{cadre.pk}/files/{evidence.pk}/").status_code == 200
    assert AuditEntry.objects.filter(action="tasks.cadre.file_read").count() == 1
    assert AuditEntry.objects.filter(action="tasks.cadre.write").count() == 5
    # The cadre's own leader (named on the quarter's record) reads and writes; nobody else does.
    leader = client_of(world["leader"])
    assert leader.get(f"/tasks/cadres/{cadre.pk}/").status_code == 200
    leader.post(url, {"kind": "care", "period": "2026", "decision": "谈心谈话，落实带薪休假"})
    assert records.filter(kind="care", superior=world["leader"]).exists()
    for stranger in (make_user("leader2", Role.LEADER), world["supervision"], world["handler_cgj"]):
        assert client_of(stranger).post(url, {"kind": "care", "period": "2026", "decision": "x"}).status_code in (403,
                                                                                                              404)
    assert records.count() == 5


def test_the_organisation_department_defines_dimensions_and_raters(world):
    org = client_of(world["organisation"])
    org.post("/tasks/competence/", {"what": "dimension", "name": "专业能力"})
    org.post("/tasks/competence/", {"what": "rater", "name": "服务对象"})
    org.post("/tasks/competence/", {"what": "rater", "name": "服务对象", "retire": "1"})
    assert CompetenceDimension.objects.get().name == "专业能力"
    assert CompetenceRater.objects.get().active is False
    assert client_of(world["leader"]).get("/tasks/competence/").status_code == 403


def test_a_measured_task_names_its_source_and_parameters_in_words(draft, world):
    task = draft.tasks.get(number="1")
    office = client_of(world["supervision"])
    office.post(f"/tasks/{task.pk}/act/", {"action": "link_measure", "version": task.version,
                                         "source": "cases_closed", "target": "40", "category": "C01", "area": "3210"})
    page = office.get(f"/tasks/{task.pk}/").content.decode()
    assert "Cases closed in a category and area" in page and "Category code C01" in page
