"""The matters in the fields the national 信访信息系统 records, as xlsx, for offices that must enter
them there: 信访件编号, 登记日期, 来信来访方式, 信访人 (masked: the export leaves the office),
人数, 问题属地, 内容分类 (field), 信访目的 (class), 诉求, 责任单位, 受理/办结/答复 dates, 办理状态,
满意度, 是否重复, 是否越级."""

import io

from openpyxl import Workbook

from .models import Petition
from .rules import local_day

HEADERS = ["信访件编号", "登记日期", "信访形式", "信访人", "人数", "问题属地", "内容分类", "信访目的", "反映内容", "诉求",
           "责任单位", "受理日期", "办理期限", "答复日期", "办理状态", "满意度", "重复信访", "越级"]
RATINGS = {1: "不满意", 2: "基本满意", 3: "满意"}


def row_of(p: Petition) -> list:
    day = lambda moment: local_day(moment).isoformat() if moment else ""  # noqa: E731
    person = "匿名" if p.anonymous or not p.petitioner_id else p.petitioner.name[:1] + "*" * (len(p.petitioner.name) - 1)
    return [p.number, day(p.registered_at), p.get_channel_display(), person, p.people_count, p.area_code,
            p.field, p.get_kind_display() if p.kind else "", p.matter, p.demand, p.unit.name if p.unit_id else "",
            day(p.accepted_at), day(p.handle_due_at), day(p.answered_at), p.get_state_display(),
            RATINGS.get(p.rating, ""), "是" if p.first_id else "否", "是" if p.level != Petition.Level.DISTRICT else "否"]


def national_xlsx(rows) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("信访事项")
    sheet.append(HEADERS)
    for petition in rows.select_related("petitioner", "unit").iterator(chunk_size=2000):
        sheet.append(row_of(petition))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
