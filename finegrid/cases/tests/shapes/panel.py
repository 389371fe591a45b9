"""The shapes' own overview panel and report, declared on their AppConfig."""

from .models import Matter


def overview(desk) -> dict:
    matters = Matter.objects.exclude(state=Matter.State.CONCLUDED)
    return {"open": matters.count(), "red": matters.filter(alarm="red").count()}


def report(command, month, kind, output, lang) -> None:
    command.stdout.write(f"matters: {Matter.objects.count()}\n")
