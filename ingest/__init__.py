"""Wire formats (HJ 212, JSON), the `Reading` record and the MQTT ingest daemon."""

from ingest.reading import CN_BY_KIND, KIND_BY_CN, VALID_FLAGS, Kind, Reading

__all__ = ["CN_BY_KIND", "KIND_BY_CN", "VALID_FLAGS", "Kind", "Reading"]
