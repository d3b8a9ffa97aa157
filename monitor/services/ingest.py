"""``monitor ingest`` as one call: the configuration to a running ingest daemon.

:func:`run_ingest` loads the site registry, starts the embedded broker when the configured broker
is ``embedded[:PORT]``, builds the store sink (with live detection behind it unless ``live`` is
off) and runs :class:`ingest.daemon.IngestDaemon` until SIGTERM/SIGINT or a fatal error, returning
the daemon's exit code (0 after a clean stop, 3 when another daemon took over the client id). A
setting that cannot be used raises :class:`IngestServiceError` with one line (never a password).

It sits above ``monitor.simulation`` (the embedded broker) and ``monitor.detection`` (live
detection), beside ``monitor.web``, and below ``monitor.cli``.
"""

from __future__ import annotations

import functools
from typing import Any

from monitor.config import Config

__all__ = ["IngestServiceError", "daemon_settings", "run_ingest"]


class IngestServiceError(ValueError):
    """A setting the daemon cannot start with; the message is one line naming it and the fix."""


def daemon_settings(config: Config, broker: str, *, worker_process: bool = True) -> Any:
    """The daemon's settings from ``config``, connecting to ``broker`` (a URL)."""
    from ingest.broker_url import parse_broker_url
    from ingest.daemon import DaemonSettings

    try:
        url = parse_broker_url(broker, ca_file=config.ca_file)
    except ValueError as exc:  # the message never shows a password
        raise IngestServiceError(str(exc)) from None
    return DaemonSettings(
        broker=url,
        topic=config.topic,
        topic_template=config.topic_template,
        client_id=config.client_id,
        batch_size=config.batch_size,
        batch_interval_s=config.batch_interval_s,
        metrics_port=config.metrics_port,
        worker_process=worker_process,
        oldest_reading=config.oldest_reading,
        strict=config.strict,
        heartbeat_cns=config.heartbeat_cns,
    )


def run_ingest(config: Config, *, worker_process: bool = True, live: bool = True) -> int:
    """Receive HJ 212 / JSON messages from the configured broker into the configured store until
    stopped; return the daemon's exit code.

    ``worker_process``: decode and commit in a second process (the daemon's worker builds its own
    sink); ``live``: run the window detectors after each committed batch (leads, scores, alerts),
    in a process of their own."""
    from ingest.daemon import IngestDaemon, run
    from ingest.metrics import setup_logging
    from monitor.detection.live import live_sink
    from monitor.registry import RegistryError, load_registry
    from monitor.store.store import Store, create_engine

    try:
        registry = load_registry(config.sites)
        passwords = registry.passwords()  # devices are authorised: every site needs one
    except RegistryError as exc:
        raise IngestServiceError(str(exc)) from None
    setup_logging()
    embedded = None
    broker = config.broker
    if broker == "embedded" or broker.startswith("embedded:"):
        from monitor.simulation.broker import EmbeddedBroker

        port = int(broker.partition(":")[2] or 1883)
        embedded = EmbeddedBroker("127.0.0.1", port).start()
        broker = f"mqtt://127.0.0.1:{port}?protocol=3.1.1"
    try:
        settings = daemon_settings(config, broker, worker_process=worker_process)
        create_engine(config.database).dispose()  # a bad database URL: one line now
    except Exception as exc:
        if embedded is not None:
            embedded.stop()
        raise IngestServiceError(str(exc)) from None
    if live:
        factory: Any = functools.partial(
            live_sink,
            config.database,
            str(config.sites),
            lang=config.lang,
            timezone=config.timezone,
            alerts=config.alerts,
            scoring=config.scoring,
            process=True,  # detection in a process of its own (a child of the worker, if any)
        )
    else:
        factory = functools.partial(Store, config.database, create="lazy")
    # in worker-process mode the worker builds its own sink from the factory; this one stays idle
    sink = Store(config.database, create="lazy") if worker_process else factory()
    try:
        return run(IngestDaemon(settings, sink, passwords, sink_factory=factory))
    finally:
        sink.close()
        if embedded is not None:
            embedded.stop()
