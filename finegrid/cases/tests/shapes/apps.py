from django.apps import AppConfig


class ShapesConfig(AppConfig):
    name = "finegrid.cases.tests.shapes"
    label = "shapes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import engine  # noqa: F401 — registers the machines and the watches, as a real app does
