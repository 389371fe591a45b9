"""The insight step of `finegrid worker`: new cases get their labels within a minute, and the model
is retrained once a night when operators have corrected labels since it was trained.

Labels are what the hotspots, the month's hot issues and the emerging terms count, so a case the
step has not reached yet is missing from them; a minute is well inside their weekly granularity."""

from datetime import datetime

from django.utils import timezone

from . import learning, store
from .labelling import label_cases
from .models import Correction

LABELS_PER_STEP = 2000  # a step every minute: far above any district's rate of new cases, yet short
RETRAIN_HOUR = 3  # local time: the night's quiet hour


def step(now: datetime | None = None) -> dict:
    now = timezone.localtime(now or timezone.now())
    retrained = 0
    if now.hour == RETRAIN_HOUR and corrected_since_training():
        learning.train(seed_size=store.SEED_SIZE)
        retrained = 1
    return {"labelled": len(label_cases(limit=LABELS_PER_STEP)), "retrained": retrained}


def corrected_since_training() -> bool:
    """Whether an operator has corrected a label after the active model was written."""
    data = store.registry()
    active = next((v for v in data["versions"] if v["version"] == data["active"]), None)
    if active is None:
        return Correction.objects.exists()
    return Correction.objects.filter(at__gt=datetime.fromisoformat(active["created_at"])).exists()
