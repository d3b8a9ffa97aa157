"""Pure, vectorised detectors of exceedances and falsified data over pandas frames."""

from detectors.base import Detector, FleetDetector, register
from detectors.finding import CATEGORIES, SEVERITIES, Finding
from detectors.frame import READINGS_SCHEMA, FrameError, OutletData, Series, validate_readings
from detectors.registry import build, catalogue, get, run_fleet, run_outlet
from detectors.spec import OutletSpec, PollutantSpec

__all__ = [
    "CATEGORIES",
    "READINGS_SCHEMA",
    "SEVERITIES",
    "Detector",
    "Finding",
    "FleetDetector",
    "FrameError",
    "OutletData",
    "OutletSpec",
    "PollutantSpec",
    "Series",
    "build",
    "catalogue",
    "get",
    "register",
    "run_fleet",
    "run_outlet",
    "validate_readings",
]
