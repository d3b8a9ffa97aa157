"""The registry of detectors by name.

Every module in `detectors.checks` is imported once and each class decorated with `@register`
(:func:`detectors.base.register`) joins the catalogue, so adding a detector never means editing a list here.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Sequence
from functools import cache

import pandas as pd

from detectors.base import REGISTERED, Detector, FleetDetector
from detectors.finding import Finding
from detectors.frame import OutletData
from detectors.spec import OutletSpec


@cache
def _load_checks() -> None:
    import detectors.checks as checks

    for module in pkgutil.iter_modules(checks.__path__):
        importlib.import_module(f"detectors.checks.{module.name}")


def catalogue() -> dict[str, type[Detector]]:
    """Every registered detector class by name, in name order."""
    _load_checks()
    return dict(sorted(REGISTERED.items()))


def get(name: str) -> type[Detector]:
    """The detector class called ``name`` (KeyError naming the known ones otherwise)."""
    known = catalogue()
    if name not in known:
        raise KeyError(f"unknown detector {name!r}; known: {', '.join(known)}")
    return known[name]


def build(names: Iterable[str] | None = None) -> list[Detector]:
    """Detectors with their default parameters (all of them when ``names`` is None)."""
    selected = list(catalogue()) if names is None else list(names)
    return [get(n)() for n in selected]


def run_outlet(
    frame: pd.DataFrame | OutletData,
    spec: OutletSpec | None = None,
    detectors: Sequence[Detector] | None = None,
    *,
    lang: str = "en",
) -> list[Finding]:
    """Run detectors over one outlet, preparing its data once for all of them."""
    outlet = frame if isinstance(frame, OutletData) else OutletData(frame, spec, lang=lang)
    found: list[Finding] = []
    for detector in detectors if detectors is not None else build():
        found.extend(detector.detect(outlet))
    return found


def run_fleet(
    outlets: Sequence[OutletData], detectors: Sequence[Detector] | None = None
) -> list[Finding]:
    """Run the fleet detectors (those comparing outlets) over several outlets."""
    found: list[Finding] = []
    for detector in detectors if detectors is not None else build():
        if isinstance(detector, FleetDetector):
            found.extend(detector.detect_fleet(outlets))
    return found
