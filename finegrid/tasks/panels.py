"""The leader's overview panel "重点工作" (declared on the AppConfig): the running key tasks by
colour and the red ones first."""

from django.db.models import Count

from .models import KeyTask

RUNNING = (KeyTask.State.CONFIRMED, KeyTask.State.IN_PROGRESS, KeyTask.State.ISSUED)


def overview(desk) -> dict:
    running = KeyTask.objects.filter(state__in=RUNNING)
    counts = dict(running.order_by().values_list("alarm").annotate(n=Count("pk")))
    red = running.filter(alarm="red").select_related("unit").order_by("planned_end")[:8]
    return {"red": counts.get("red", 0), "yellow": counts.get("yellow", 0), "green": counts.get("", 0),
            "done": KeyTask.objects.filter(state=KeyTask.State.DONE).count(), "worst": red}
