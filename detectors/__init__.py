"""Pure, vectorised detectors of exceedances and falsified data over pandas frames."""

from detectors.finding import CATEGORIES, SEVERITIES, Finding

__all__ = ["CATEGORIES", "SEVERITIES", "Finding"]
