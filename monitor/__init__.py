"""Configuration, storage, leads, scores, inspections, alerts and the `monitor` CLI."""
