"""Small charts drawn as SVG on the server: a daily trend and horizontal bars. No library, no
JavaScript: they print, they show without a network, and a screen reader gets a table beside."""

from dataclasses import dataclass


@dataclass
class Series:
    label: str
    colour: str
    values: list[int]


def trend(days: list[str], series: list[Series], width: int = 560, height: int = 160) -> dict:
    """Polylines of several daily series on one scale, with the first and last day labelled."""
    top = max((v for s in series for v in s.values), default=0) or 1
    step = (width - 40) / max(len(days) - 1, 1)
    lines = []
    for s in series:
        points = " ".join(f"{30 + i * step:.1f},{height - 20 - (v / top) * (height - 40):.1f}"
                          for i, v in enumerate(s.values))
        lines.append({"label": s.label, "colour": s.colour, "points": points, "total": sum(s.values)})
    return {"width": width, "height": height, "lines": lines, "top": top, "days": days,
            "first": days[0] if days else "", "last": days[-1] if days else ""}


LABEL_PX = 150  # where the bars start (_ranking.html draws them at x=150)
VALUE_PX = 100  # after the longest bar: "100.0 n=1234" at 12 px with its gap


def bars(rows: list[tuple[str, float]], width: int = 420, bar: int = 18, scale_max: float | None = None) -> dict:
    """One bar per (label, value), longest first as given: labels in the first LABEL_PX, the value
    and its sample size ("98.2 n=123") after the bar, inside the width even for the longest bar."""
    top = scale_max or max((v for _, v in rows), default=0) or 1
    items = [{"label": label, "value": value, "y": i * (bar + 6), "w": round((width - LABEL_PX - VALUE_PX) * value / top, 1)}
             for i, (label, value) in enumerate(rows)]
    return {"width": width, "height": len(rows) * (bar + 6), "bar": bar, "items": items}
