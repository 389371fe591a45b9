"""What insight keeps in the database: the labels given to each case, and operators'
corrections of them (the district's own teaching, used by the next `finegrid train`).

The models themselves are files (store.py), versioned and rolled back there."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseLabels(models.Model):
    """The labels of one case: what the model said, or an operator's correction of it."""

    case = models.OneToOneField("cases.Case", models.CASCADE, related_name="insight")
    topic = models.CharField(_("topic"), max_length=16, db_index=True)
    subtopic = models.CharField(_("second-level topic"), max_length=32, blank=True)
    topic_confidence = models.FloatField(_("confidence"), default=0)
    request_type = models.CharField(_("request type"), max_length=4)
    urgency = models.CharField(_("urgency"), max_length=4)
    place = models.CharField(_("place named"), max_length=64, blank=True)
    # The emergency services the case is also for (联动), "110,120"; their liaisons were told.
    liaison = models.CharField(_("emergency services (联动)"), max_length=16, blank=True)
    model_version = models.PositiveIntegerField(_("model version"), null=True, blank=True)
    corrected = models.BooleanField(_("corrected by an operator"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case labels")
        verbose_name_plural = _("case labels")

    def __str__(self):
        return f"{self.case_id}: {self.topic} / {self.request_type} / {self.urgency}"


class Correction(models.Model):
    """An operator's correction of the labels of an appeal: kept for retraining, never edited."""

    case = models.ForeignKey("cases.Case", models.SET_NULL, null=True, blank=True, related_name="+")
    title = models.CharField(_("title"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    topic = models.CharField(_("topic"), max_length=16, blank=True)
    subtopic = models.CharField(_("second-level topic"), max_length=32, blank=True)
    request_type = models.CharField(_("request type"), max_length=4, blank=True)
    urgency = models.CharField(_("urgency"), max_length=4, blank=True)
    previous = models.JSONField(_("labels before"), default=dict, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at"]
        verbose_name = _("label correction")
        verbose_name_plural = _("label corrections")

    def __str__(self):
        return f"{self.at:%Y-%m-%d} {self.topic} {self.request_type} {self.urgency}"

    def as_record(self) -> dict:
        fields = ("text", "title", "topic", "subtopic", "request_type", "urgency")
        return {name: getattr(self, name) for name in fields if getattr(self, name)}
