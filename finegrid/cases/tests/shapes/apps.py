from django.apps import AppConfig


class ShapesConfig(AppConfig):
    name = "finegrid.cases.tests.shapes"
    label = "shapes"
    default_auto_field = "django.db.models.BigAutoField"
    # What a real app declares so the platform picks it up without being edited.
    overview_panels = (("matters", "信访 (shape)", "finegrid.cases.tests.shapes.panel.overview", "shapes/_panel.html"),)
    reports = (("matters", "finegrid.cases.tests.shapes.panel.report"),)
    intake_channels = (("petition", "信访 (shape)"),)

    def ready(self):
        from . import engine  # noqa: F401 — registers the machines and the watches, as a real app does
