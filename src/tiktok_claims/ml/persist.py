"""Save the champion with skops (no pickle: loading runs no code) beside a JSON model card,
and load it back only if the file and the library versions match the card."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import platform
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import skops.io as sio

from tiktok_claims.paths import warehouse_path

MODEL_FILE = "claim_classifier.skops"
CARD_FILE = "claim_classifier.card.json"
# What only a fit can tell (CV, other candidates, ablation, unseen wording), reused with the model.
RESULTS_FILE = "claim_classifier.training.parquet"
# Libraries whose version changes how the saved model loads or predicts.
LIBRARIES = ("scikit-learn", "xgboost-cpu", "numpy", "scipy", "skops", "joblib")


class ModelMismatchError(RuntimeError):
    """The saved model does not match its card or this environment; the message says how."""


def model_dir() -> Path:
    """<warehouse dir>/models (the current release's), or CLAIMS_MODEL_DIR: a build's own."""
    override = os.environ.get("CLAIMS_MODEL_DIR")
    return Path(override) if override else warehouse_path().parent / "models"


def library_versions() -> dict[str, str]:
    return {lib: version(lib) for lib in LIBRARIES} | {"python": platform.python_version()}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _written_once(model):
    """The model as skops should write it: a calibrated champion keeps its frozen model both as
    `estimator` and inside its calibrator, and skops writes each reference in full (twice the
    file: 0.28 s against 0.14 s to write on the real file). `_restored` undoes it on load."""
    calibrators = getattr(model, "calibrated_classifiers_", ())
    if len(calibrators) != 1 or model.estimator is not calibrators[0].estimator:
        return model
    shallow = copy.copy(model)
    shallow.estimator = None
    return shallow


def _restored(model):
    """The calibrated champion's `estimator`, which _written_once left out, back."""
    if hasattr(model, "calibrated_classifiers_") and model.estimator is None:
        model.estimator = model.calibrated_classifiers_[0].estimator
    return model


def save(model, card: dict, directory: Path | None = None, results: dict | None = None) -> Path:
    """Write the model, its training-time result tables and its card; returns the model path."""
    directory = Path(directory) if directory is not None else model_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / MODEL_FILE
    written = sio.dumps(_written_once(model))
    path.write_bytes(written)
    if results is not None:
        stacked = pd.concat(
            [frame.assign(result_kind=kind) for kind, frame in results.items()], ignore_index=True
        )
        stacked.astype({"params": "string", "note": "string"}, errors="ignore").to_parquet(
            directory / RESULTS_FILE, index=False
        )
    full_card = card | {
        "model_file": MODEL_FILE,
        "model_sha256": hashlib.sha256(written).hexdigest(),
        # Types skops will not load by default; trusted on load only if the hash matches.
        "skops_trusted_types": sorted(sio.get_untrusted_types(data=written)),
        "library_versions": library_versions(),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (directory / CARD_FILE).write_text(json.dumps(full_card, indent=2, default=str) + "\n")
    return path


def load_results(directory: Path | None = None) -> dict[str, pd.DataFrame]:
    """The training-time tables saved with the model (see save)."""
    directory = Path(directory) if directory is not None else model_dir()
    path = directory / RESULTS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no saved training results")
    stacked = pd.read_parquet(path)
    return {
        kind: part.drop(columns="result_kind").dropna(axis=1, how="all").reset_index(drop=True)
        for kind, part in stacked.groupby("result_kind")
    }


def read_card(directory: Path | None = None) -> dict:
    directory = Path(directory) if directory is not None else model_dir()
    card_path = directory / CARD_FILE
    if not card_path.is_file():
        raise FileNotFoundError(
            f"{card_path}: no model card, so there is no saved champion "
            "(run `make run` to train one)"
        )
    return json.loads(card_path.read_text())


def load(directory: Path | None = None, training_data_sha256: str | None = None):
    """Load the champion; refuse a changed file, other library versions or other data."""
    directory = Path(directory) if directory is not None else model_dir()
    card = read_card(directory)
    path = directory / card["model_file"]
    actual = _sha256(path)
    if actual != card["model_sha256"]:
        raise ModelMismatchError(
            f"{path}: sha256 {actual[:12]}… differs from the model card's "
            f"{card['model_sha256'][:12]}…, so it changed after training and is refused "
            "(remove it and run `make run` to train a new one)"
        )
    current = library_versions()
    changed = {
        lib: (saved, current.get(lib))
        for lib, saved in card["library_versions"].items()
        if current.get(lib) != saved
    }
    if changed:
        detail = ", ".join(
            f"{lib} {old} (saved) vs {new} (here)" for lib, (old, new) in changed.items()
        )
        raise ModelMismatchError(
            f"{path} was saved with other library versions ({detail}), so it is refused "
            "(retrain in this environment)"
        )
    if training_data_sha256 is not None and training_data_sha256 != card["training_data_sha256"]:
        raise ModelMismatchError(
            f"{path} was trained on other data (training data sha256 "
            f"{card['training_data_sha256'][:12]}…, expected {training_data_sha256[:12]}…)."
        )
    return _restored(sio.load(path, trusted=card["skops_trusted_types"])), card
