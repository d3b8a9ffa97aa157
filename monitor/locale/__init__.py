"""Message catalogue of every text a person reads from ``monitor`` (Simplified Chinese and English).

One mechanism for all monitor texts: TOML files in this folder (one per area, e.g.
``casework.toml``), each table a message id with one ``str.format`` template per language::

    [lead.action.integrity]
    en = "Inspect on site: ..."
    zh = "现场检查：..."

:func:`text` renders a message; a ``pollutant`` parameter holding a code is shown by its name in
the language (化学需氧量, 氨氮, ...) through :func:`detectors.messages.pollutant_name`.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from detectors.messages import DEFAULT_LANG, LANGS, load_catalogue, pollutant_name

__all__ = ["DEFAULT_LANG", "LANGS", "catalogue", "lookup", "text"]


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """All monitor messages (message id -> {lang: template}), merged from every TOML file here."""
    return load_catalogue(resources.files("monitor.locale"), "monitor/locale")


def text(msgid: str, lang: str = DEFAULT_LANG, /, **params: Any) -> str:
    """Render message ``msgid`` in ``lang`` (unknown languages fall back to English)."""
    try:
        template = catalogue()[msgid][lang if lang in LANGS else DEFAULT_LANG]
    except KeyError:
        raise KeyError(f"no message {msgid!r} in monitor/locale") from None
    if "pollutant" in params:
        params["pollutant"] = pollutant_name(params["pollutant"], lang)
    return template.format(**params)


def lookup(msgid: str, lang: str = DEFAULT_LANG) -> str | None:
    """Message ``msgid`` in ``lang`` without parameters, or None when the catalogue has no such
    message (for values that may or may not have a name, e.g. an enumeration's members)."""
    entry = catalogue().get(msgid)
    if entry is None:
        return None
    return entry.get(lang if lang in LANGS else DEFAULT_LANG) or entry.get(DEFAULT_LANG)
