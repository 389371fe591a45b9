"""Versioned label models on disk, with the active one and rollback.

<data dir>/insight/models/ holds v0001.joblib, v0002.joblib … and registry.json, which lists
every version (when, from what, its figures) and names the active one. The files are written
first and the registry replaced atomically, so a crash mid-training leaves the old model active.

The seed model is built, not shipped: the corpus generator is deterministic, and a pickled
scikit-learn model is only safe to load with the scikit-learn that wrote it, so each install
builds its own v0001 on first use (`finegrid train --seed` does it ahead of time)."""

import json
import os
import tempfile
import threading
from pathlib import Path

import joblib
from django.conf import settings
from django.utils import timezone

from .model import LabelModel

SEED_SIZE = 12_000
_lock = threading.Lock()
_loaded: dict[str, LabelModel] = {}


def models_dir() -> Path:
    path = Path(getattr(settings, "FINEGRID_INSIGHT_MODELS", "") or settings.DATA_DIR / "insight" / "models")
    path.mkdir(parents=True, exist_ok=True)
    return path


def registry() -> dict:
    path = models_dir() / "registry.json"
    return json.loads(path.read_text()) if path.exists() else {"active": None, "versions": []}


def _write_registry(data: dict) -> None:
    directory = models_dir()
    fd, tmp = tempfile.mkstemp(dir=directory, suffix=".json")
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1)
    os.replace(tmp, directory / "registry.json")


def save(model: LabelModel, source: str, **info) -> int:
    """Store a new version and make it active; returns its number."""
    with _lock:
        data = registry()
        version = max((v["version"] for v in data["versions"]), default=0) + 1
        model.info.update(version=version, source=source, **info)
        joblib.dump(model, models_dir() / f"v{version:04d}.joblib", compress=3)
        entry = {"version": version, "created_at": timezone.now().isoformat(), "source": source,
                 "counts": model.info.get("counts", {}), **info}
        data["versions"].append(entry)
        data["active"] = version
        _write_registry(data)
        return version


def activate(version: int) -> None:
    """Make an earlier (or later) version active: the rollback."""
    with _lock:
        data = registry()
        if not any(v["version"] == version for v in data["versions"]):
            raise ValueError(f"no model version {version}")
        if not (models_dir() / f"v{version:04d}.joblib").exists():
            raise ValueError(f"the file of model version {version} is missing")
        data["active"] = version
        _write_registry(data)


def load_path(path: str | Path) -> LabelModel:
    key = str(Path(path).resolve())
    if key not in _loaded:
        model = joblib.load(path)
        if not isinstance(model, LabelModel):
            raise ValueError(f"{path} is not a finegrid label model")
        _loaded[key] = model
    return _loaded[key]


def active_model() -> LabelModel:
    """The active model, building the seed model first when there is none."""
    data = registry()
    if data["active"] is None:
        build_seed()
        data = registry()
    return load_path(models_dir() / f"v{data['active']:04d}.joblib")


def build_seed(size: int = SEED_SIZE) -> int:
    from .learning import fit  # learning imports this module

    return save(fit([], seed_size=size), "seed", records=size)
