"""What the person who reported a case sees of its outcome on the track page: the unit's reply (the
note of its latest 反馈) and the photos a resident may see — their own report's photos and the
unit's after-photos. Photos taken inside (a grid worker's 核实 or 核查, an operator's) stay inside:
they can show other people, plates, doorways."""

from dataclasses import dataclass, field
from datetime import datetime

from finegrid.cases.models import Case, Evidence, Transition

REPLY_ACTION = "report_done"  # 反馈: the unit says what it did


@dataclass
class Reply:
    at: datetime
    unit: str
    words: str
    photos: list = field(default_factory=list)


def reply_of(shown: Case) -> Reply | None:
    """The unit's latest 反馈 on the followed case (a merged duplicate's master), with its photos."""
    row = (Transition.objects.filter(case=shown, action=REPLY_ACTION).select_related("unit")
           .order_by("-seq").first())
    if row is None:
        return None
    photos = list(Evidence.objects.filter(transition=row, content_type__startswith="image/").order_by("pk"))
    return Reply(row.at, row.unit.name if row.unit_id else "", row.reason, photos)


def own_photos(case: Case) -> list[Evidence]:
    """The photos the resident sent with the report."""
    return list(Evidence.objects.filter(case=case, transition__action="report", content_type__startswith="image/")
                .order_by("pk"))


def resident_may_see(case: Case, shown: Case, pk: int) -> Evidence | None:
    """The photo `pk` when it is one of the reporter's own or of the unit's replies; else None."""
    photo = Evidence.objects.select_related("case", "transition").filter(pk=pk).first()
    if photo is None or photo.transition is None:
        return None
    own = photo.case_id == case.pk and photo.transition.action == "report"
    reply = photo.case_id == shown.pk and photo.transition.action == REPLY_ACTION
    return photo if own or reply else None
