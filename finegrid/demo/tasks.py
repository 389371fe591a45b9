"""The demo district's 大督查: its own work report (data/work_report.txt) decomposed, reviewed and
issued in January, a year of monthly progress reports through the engine, the daily 督办 pass
run over them (so some tasks are yellow or red because they lag, never because anyone coloured
them), a few 督办单 answered, a 整改台账 with open and closed items, the classes of units for
差异化考核 and a few cadre records. Three clauses are measured by linked data instead of reports
(two monthly figures, the 市容环境 cases the district closes). Deterministic (each task's pace is
drawn from its number), idempotent (nothing is done twice); about 20 s on a busy machine, every
step through the machine."""

import hashlib
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from finegrid.cases import supervision
from finegrid.org.models import Person, Role, RoleAssignment, Unit
from finegrid.tasks import rules as R
from finegrid.tasks.decompose import decompose
from finegrid.cases.machine import Context
from finegrid.cases.models import Case
from finegrid.grid.models import Region
from finegrid.tasks.engine import PROBLEMS, TASKS, roll_up
from finegrid.tasks.measures import read_measures
from finegrid.tasks.models import (
    CadreRecord, CompetenceDimension, CompetenceRater, KeyTask, MonthlyFigure, Problem, SourceDocument,
    SupervisionOrder, UnitClass,
)
from finegrid.tasks.store import issue_tree, store

from .staff import DEMO_PASSWORD, demo_name

REPORT = Path(__file__).parent / "data" / "work_report.txt"
TITLE = "广陵区2026年政府工作报告（示范文本）"
YEAR = 2026
ISSUED = datetime(YEAR, 1, 20, 9, tzinfo=R.ZONE)
# 分管区领导 of the demo: the district chief's deputies, one per field, besides `leader`.
LEADERS = [("leader_jj", "分管经济"), ("leader_cj", "分管城建"), ("leader_ms", "分管民生"), ("leader", "区长")]
FALLBACK_UNIT = "zfb"  # a clause no unit's duties fit is the government office's to place
CLASSES = {
    "economic": ["fgw", "gxj", "kjj", "swj", "tcj", "czj", "tjj", "gzb", "nyj"],
    "social": ["jyj", "wjw", "mzj", "rsj", "wtlj", "ybj", "tyjr", "sfj"],
    "support": ["zfb", "zwb", "sjj", "audit", "zjj", "cgj", "jtj", "slj", "yjj", "scjg", "zrzy", "sthj", "qwb",
                "dcs", "zzb", "xcb", "zfw", "jw", "tzb", "shgzb"],
}


def seed_tasks(now: datetime | None = None) -> dict:
    if SourceDocument.objects.filter(title=TITLE).exists():
        return {"key_tasks": 0}
    now = now or timezone.now()
    people = _office_people()
    text = REPORT.read_text(encoding="utf-8")
    units = list(Unit.objects.filter(active=True))
    outline = decompose(text, units=units, year=YEAR)
    with transaction.atomic():
        document = store(outline, title=TITLE, filename=REPORT.name, actor=people["supervision"], now=ISSUED)
        _review(document, people)
        measured = _link_measures(document, people)
        issue_tree(document, people["supervision"], now=ISSUED)
        reports = _year_of_reports(document, people, min(now, datetime(YEAR, 12, 31, 18, tzinfo=R.ZONE)), measured)
        problems = _ledger(people, now)
        _classes()
        cadres = _cadres(people)
    return {"key_tasks": document.tasks.count(), "progress_reports": reports, "ledger_items": problems,
            "cadre_records": cadres, "measured_tasks": len(measured)}


# ── who ───────────────────────────────────────────────────────────────────────────────────────


def _office_people() -> dict:
    """The 督查室, the organisation department and the deputies in charge, made once."""
    units = {u.code: u for u in Unit.objects.filter(code__in=["dcs", "zzb"])}
    wanted = [("supervision", Role.SUPERVISION_OFFICE, units.get("dcs")),
              ("organisation", Role.ORGANISATION, units.get("zzb"))]
    wanted += [(name, Role.LEADER, None) for name, _ in LEADERS]
    User, found = get_user_model(), {}
    password = make_password(DEMO_PASSWORD)
    for username, role, unit in wanted:
        user, created = User.objects.get_or_create(username=username, defaults={"password": password})
        if created:
            Person.objects.create(user=user, full_name=demo_name(username), unit=unit)
            RoleAssignment.objects.create(user=user, role=role, unit=unit)
        found[username] = user
    return found


def _draw(task: KeyTask, salt: str = "") -> float:
    """A number in [0, 1) fixed by the task's place in the tree: the same demo every time."""
    digest = hashlib.sha256(f"{task.order}:{task.number}:{salt}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2 ** 32


def _review(document, people) -> None:
    """The 督查室's review: leaders in charge by section, a lead unit for every clause, quarterly
    milestones on the straight line to each deadline, heavier weights for the first items."""
    leaders = [people[name] for name, _ in LEADERS]
    fallback = Unit.objects.get(code=FALLBACK_UNIT)
    sections = list(document.tasks.filter(parent=None).order_by("order"))
    for n, section in enumerate(sections):
        leader = leaders[n % len(leaders)]
        rows = document.tasks.filter(root=section).order_by("order")
        KeyTask.objects.filter(pk__in=rows.values("pk")).update(leader=leader)
    leaves = document.tasks.filter(branch=False)
    KeyTask.objects.filter(pk__in=leaves.filter(unit=None).values("pk")).update(unit=fallback)
    for parent in document.tasks.filter(branch=True, unit=None).order_by("-level", "order"):
        # An item without a lead of its own is led by the unit that leads most of its clauses.
        units = list(parent.children.exclude(unit=None).values_list("unit", flat=True))
        if units:
            KeyTask.objects.filter(pk=parent.pk).update(unit=max(sorted(set(units)), key=units.count))
    for task in leaves.order_by("order"):
        milestones = _milestones(task)
        weight = 2 if _draw(task, "weight") < 0.25 else 1
        TASKS.perform(task, "edit", people["supervision"], now=ISSUED,
                      data={"milestones": milestones, "weight": str(weight)} if milestones else {"weight": str(weight)})


def _milestones(task) -> str:
    """Quarter ends before the deadline, each at the straight line's percent, rounded to 5."""
    start, end = task.planned_start, task.planned_end
    parts = []
    for month in (3, 6, 9):
        at = datetime(YEAR, month + 1, 1, tzinfo=R.ZONE) - timedelta(seconds=1)
        if start < at < end:
            percent = max(5, 5 * round(20 * (at - start) / (end - start)))
            parts.append(f"{at.date().isoformat()}:{min(percent, 95)}")
    return "; ".join(parts)


# ── tasks measured by linked data ─────────────────────────────────────────────────────────────
# (words of a clause, its monthly indicator, the figure for 100 %, the pace of its months)
FIGURES = [("技术改造项目", "工业企业技术改造项目（个，累计）", 120, 0.85), ("新增城市停车泊位", "新增城市停车泊位（个，累计）", 3000, 1.0)]
STREET_CLEANING = ("背街小巷", "E01")  # 背街小巷整治: measured by the 市容环境 cases the district closes


def _link_measures(document, people) -> set:
    """A few clauses are measured by data rather than by a unit's report: two by the monthly figure
    of their indicator, one by the 市容环境 cases closed in the district."""
    leaves, linked = document.tasks.filter(branch=False).order_by("order"), set()
    for words, indicator, target, _pace in FIGURES:
        task = leaves.filter(title__contains=words).first()
        if task is not None:
            TASKS.perform(task, "link_measure", people["supervision"], now=ISSUED,
                          data={"source": "monthly_figure", "target": str(target), "indicator": indicator})
            linked.add(task.pk)
    words, category = STREET_CLEANING
    task = leaves.filter(title__contains=words).first()
    district = Region.objects.filter(parent=None).values_list("code", flat=True).first()
    if task is not None and district:
        closed = Case.objects.filter(category__code__startswith=category, closed_at__gte=ISSUED).count()
        # The figure for 100 %: a little more than the year will close, so the task runs slightly behind.
        TASKS.perform(task, "link_measure", people["supervision"], now=ISSUED, data={
            "source": "cases_closed", "target": str(max(10, round(closed * 1.15))), "category": category,
            "area": district})
        linked.add(task.pk)
    return linked


def _monthly_figures(month: int, people) -> None:
    """The 督查室 enters each indicator's cumulative figure by the 20th."""
    at = datetime(YEAR, month, 18, 9, tzinfo=R.ZONE)
    MonthlyFigure.objects.bulk_create([
        MonthlyFigure(indicator=indicator, month=f"{YEAR}-{month - 1:02d}", value=round(target * pace * (month - 1) / 12),
                      entered_by=people["supervision"], entered_at=at)
        for _words, indicator, target, pace in FIGURES], ignore_conflicts=True)


# ── the year ──────────────────────────────────────────────────────────────────────────────────
PROBLEMS_SAID = ["用地指标尚未落实", "资金拨付滞后", "项目前期手续办理较慢", "企业投资意愿下降", "施工受雨季影响",
                 "征迁协调难度大"]


def _year_of_reports(document, people, until: datetime, measured=frozenset()) -> int:
    """Each lead unit reports by the 20th of every month; most keep pace, some fall behind. The
    daily 督办 pass runs at each quarter's end and today, as the worker would, so the colours, 督办单 and
    催办 of the year are the engine's."""
    handlers = dict(RoleAssignment.objects.filter(role=Role.HANDLER, unit__isnull=False).order_by("-pk")
                    .values_list("unit_id", "user_id"))
    users = get_user_model().objects.in_bulk(list(handlers.values()))
    leaves = list(document.tasks.filter(branch=False).exclude(pk__in=measured).order_by("order"))
    count = 0
    for task in document.tasks.exclude(unit=None).select_related("unit").order_by("order"):  # 签收 within the first week
        TASKS.perform(task, "confirm", users[handlers[task.unit_id]], now=ISSUED + timedelta(days=2), role=Role.HANDLER)
    for month in range(2, 13):
        moment = datetime(YEAR, month, 20, 10, tzinfo=R.ZONE)
        if moment > until:
            break
        _monthly_figures(month, people)
        read_measures(moment)  # the worker reads the linked figures before the morning's pass
        # The pass changed some; the unit comes along, as each step's history row names it.
        fresh = KeyTask.objects.select_related("unit").in_bulk([task.pk for task in leaves])
        for task in leaves:
            count += _report(fresh[task.pk], users[handlers[task.unit_id]], moment)
        if month % 3 == 0:  # the worker's daily pass, looked at once a quarter: a year in seconds
            roll_up(document.pk)
            _daily_pass(datetime(YEAR, month, 28, 7, tzinfo=R.ZONE))
            _answer_orders(handlers, users, moment + timedelta(days=9))
    read_measures(until)
    _close_finished(document, people, until)
    roll_up(document.pk)
    _daily_pass(until)
    return count


def _report(task, user, moment) -> int:
    if task.state not in (KeyTask.State.CONFIRMED, KeyTask.State.IN_PROGRESS):
        return 0
    pace = _draw(task)
    if pace < 0.05 and moment.month % 3 == 0:  # a few units forget a quarter's last report, and get their 催办
        return 0
    planned = R.planned_at(R.curve_points(task.planned_start, task.planned_end, task.curve), moment)
    factor = 1.0 if pace >= 0.25 else 0.75 if pace >= 0.1 else 0.45  # on pace, slipping, stuck
    percent = max(task.progress, min(100, int(planned * factor + 4 * _draw(task, moment.isoformat()))))
    problems = PROBLEMS_SAID[int(_draw(task, "why") * len(PROBLEMS_SAID))] if factor < 1 else ""
    # The demo knows who acts, and that these leaves are reported on, not measured: the machine's
    # checks all run, without looking up again what the batch already knows.
    TASKS.perform(task, "report_progress", user, now=moment, role=Role.HANDLER, context=Context(task, measured=False),
                  data={"percent": percent, "period": f"{moment:%Y-%m}", "done": f"按计划推进，累计完成{percent}%",
                        "problems": problems, "next_steps": "加快推进，确保完成序时进度"})
    return 1


def _daily_pass(moment) -> None:
    """The worker's pass over the key tasks and the ledger only: the cases keep their own history."""
    while supervision.tick(moment, models=(KeyTask, Problem))["claimed"]:
        pass


def _answer_orders(handlers, users, moment) -> None:
    """Most 督办单 are answered within their deadline; a few are not."""
    for order in SupervisionOrder.objects.filter(responded_at__isnull=True, issued_at__lt=moment).select_related("task"):
        task = order.task
        if _draw(task, "answer") < 0.3 or task.unit_id not in handlers:
            continue
        when = min(moment, order.response_due - timedelta(hours=2))
        if when <= order.issued_at:
            continue
        TASKS.perform(task, "respond", users[handlers[task.unit_id]], now=when,
                      data={"response": "已制定整改计划，倒排工期，确保按期完成"})


def _close_finished(document, people, until) -> None:
    for task in document.tasks.filter(branch=False, progress__gte=100,
                                      state=KeyTask.State.IN_PROGRESS).order_by("order"):
        TASKS.perform(task, "close", people["supervision"], now=max(task.last_report_at, until - timedelta(days=1)))


# ── the 整改台账, the classes, the cadres ─────────────────────────────────────────────────────
LEDGER = [
    ("省委巡视反馈问题整改台账", "inspection", [
        ("招商引资项目落地率偏低", "建立签约项目推进台账，逐月调度", "签约项目落地率达到80%", "tcj", 120, True),
        ("部分惠民资金拨付不及时", "建立资金拨付周报制度", "资金拨付率达到100%", "czj", 90, True),
        ("基层减负要求落实不到位", "清理规范各类考核和填报", "精简填报事项30%以上", "qwb", 300, False),
        ("老旧小区改造进度滞后", "倒排工期，挂图作战", "年度改造任务全部完工", "zjj", 200, False),
    ]),
    ("2026年度审计发现问题整改台账", "audit", [
        ("专项债资金闲置", "调整资金用途，加快项目支付", "闲置资金全部盘活", "fgw", 60, True),
        ("政府采购程序不规范", "完善内控制度，开展专项培训", "制度印发并完成培训", "czj", 45, False),
    ]),
    ("督查发现问题整改台账", "supervision", [
        ("背街小巷整治标准不一", "统一整治导则", "导则印发并完成复查", "cgj", 30, True),
        ("学校周边交通拥堵", "增设即停即走车位", "高峰时段通行时间下降20%", "jtj", 290, False),
    ]),
]


def _ledger(people, now) -> int:
    units = {u.code: u for u in Unit.objects.all()}
    handlers = dict(RoleAssignment.objects.filter(role=Role.HANDLER, unit__isnull=False).order_by("-pk")
                    .values_list("unit__code", "user"))
    users = get_user_model().objects.in_bulk(list(handlers.values()))
    opened = datetime(YEAR, 3, 1, 9, tzinfo=R.ZONE)
    count = 0
    for ledger, source, items in LEDGER:
        for n, (problem_text, measures, condition, code, days, done) in enumerate(items, start=1):
            problem = PROBLEMS.open(Problem(
                ledger=ledger, source=source, number=str(n), description=problem_text, measures=measures,
                closing_condition=condition, unit=units[code], opened_at=opened, due_at=opened + timedelta(days=days),
                next_check_at=opened, area_code=""), "register", people["supervision"], now=opened)
            count += 1
            if done:
                finished = opened + timedelta(days=days - 10)
                PROBLEMS.perform(problem, "submit", users[handlers[code]], now=finished,
                                 data={"evidence": f"{condition}：见整改报告及佐证材料"})
                PROBLEMS.perform(problem, "close", people["supervision"], now=finished + timedelta(days=3))
    _daily_pass(now)
    return count


def _classes() -> None:
    units = {u.code: u for u in Unit.objects.all()}
    rows = [UnitClass(unit=units[code], klass=klass) for klass, codes in CLASSES.items() for code in codes
            if code in units]
    rows += [UnitClass(unit=u, klass="street") for u in units.values() if u.kind == Unit.Kind.STREET]
    UnitClass.objects.bulk_create(rows, ignore_conflicts=True)


def _cadres(people) -> int:
    """平时考核 for each quarter and a 胜任力 review of the deputies, and one 三项机制 case."""
    records, recorded = [], datetime(YEAR, 10, 15, 9, tzinfo=R.ZONE)
    for n, (name, _) in enumerate(LEADERS[:3]):
        cadre = people[name]
        for quarter in (1, 2, 3):
            records.append(CadreRecord(cadre=cadre, superior=people["leader"], kind="quarterly",
                                       period=f"{YEAR}-Q{quarter}", rating=("好", "较好", "好")[(n + quarter) % 3],
                                       recorded_at=recorded, recorded_by=people["organisation"]))
        records.append(CadreRecord(cadre=cadre, superior=people["leader"], kind="competence", period=str(YEAR),
                                   scores={dim: {"分管领导": 88 - n, "同级互评": 85 + n, "服务对象": 90 - 2 * n}
                                           for dim in ("政治素质", "专业能力", "担当作为", "廉洁自律")},
                                   recorded_at=recorded, recorded_by=people["organisation"]))
    records.append(CadreRecord(cadre=people["leader_cj"], superior=people["leader"], kind="tolerance",
                               period=str(YEAR), decision="改革探索中出现的程序瑕疵，符合容错情形，予以容错免责",
                               evidence="区纪委监委容错认定意见书", recorded_at=recorded,
                               recorded_by=people["organisation"]))
    CadreRecord.objects.bulk_create(records)
    # The dimensions and raters of the review, as the organisation department defined them.
    CompetenceDimension.objects.bulk_create([CompetenceDimension(name=name, order=n) for n, name in
                                             enumerate(("政治素质", "专业能力", "担当作为", "廉洁自律"))],
                                            ignore_conflicts=True)
    CompetenceRater.objects.bulk_create([CompetenceRater(name=name, order=n) for n, name in
                                         enumerate(("分管领导", "同级互评", "服务对象"))], ignore_conflicts=True)
    return len(records)

