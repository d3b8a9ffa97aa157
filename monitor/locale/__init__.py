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

import tomllib
from functools import cache
from importlib import resources
from typing import Any, Final

from detectors.messages import pollutant_name

__all__ = ["DEFAULT_LANG", "LANGS", "catalogue", "text"]

LANGS: Final[tuple[str, ...]] = ("zh", "en")
DEFAULT_LANG: Final = "en"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """All monitor messages (message id -> {lang: template}), merged from every TOML file here."""
    merged: dict[str, dict[str, str]] = {}
    for entry in sorted(resources.files("monitor.locale").iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        for msgid, templates in _flatten(tomllib.loads(entry.read_text(encoding="utf-8"))):
            if msgid in merged:
                raise ValueError(f"message {msgid!r} defined twice (again in {entry.name})")
            missing = [lang for lang in LANGS if lang not in templates]
            if missing:
                raise ValueError(
                    f"message {msgid!r} in monitor/locale/{entry.name} lacks {missing}"
                )
            merged[msgid] = templates
    return merged


def _flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, dict[str, str]]]:
    out: list[tuple[str, dict[str, str]]] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value and all(isinstance(v, str) for v in value.values()):
            out.append((name, value))
        elif isinstance(value, dict):
            out.extend(_flatten(value, name + "."))
    return out


def text(msgid: str, lang: str = DEFAULT_LANG, /, **params: Any) -> str:
    """Render message ``msgid`` in ``lang`` (unknown languages fall back to English)."""
    try:
        template = catalogue()[msgid][lang if lang in LANGS else DEFAULT_LANG]
    except KeyError:
        raise KeyError(f"no message {msgid!r} in monitor/locale") from None
    if "pollutant" in params:
        params["pollutant"] = pollutant_name(params["pollutant"], lang)
    return template.format(**params)
