"""Long-running services composed from the parts below: `ingest` (the MQTT daemon wired to the
store, the registry and live detection, as ``monitor ingest`` runs it). The web page's server is
`monitor.web.serve`."""
