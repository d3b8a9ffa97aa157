"""Message catalogue for every text a person reads from detectors (Simplified Chinese and English).

Messages live in TOML files under ``detectors/catalogue/`` (one per module of checks), never as
strings in code. Each table is a message id with one template per language:

    [frozen.summary]
    en = "{pollutant} frozen at {value} {unit} for {hours} h while flow varied"
    zh = "{pollutant}在{hours}小时内恒定为{value}{unit}，而流量在变化"

Templates use ``str.format`` fields; a pollutant code passed as ``pollutant`` is shown by its name
in the language (化学需氧量, 氨氮, ...).
"""

from __future__ import annotations

import re
import string
import tomllib
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, Final

LANGS: Final[tuple[str, ...]] = ("zh", "en")
DEFAULT_LANG: Final = "en"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """All detector messages, merged from every catalogue file (message id -> {lang: template})."""
    return load_catalogue(resources.files("detectors") / "catalogue", "detectors/catalogue")


def load_catalogue(folder: Traversable, where: str) -> dict[str, dict[str, str]]:
    """Messages of every ``*.toml`` file in ``folder``, merged: message id -> {lang: template}.

    A message defined twice, or lacking a language of `LANGS`, is an error naming the file
    (``where`` is the folder's name in errors). `monitor.locale` loads its catalogue with this too.
    """
    merged: dict[str, dict[str, str]] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        for msgid, templates in _flatten(data):
            if msgid in merged:
                raise ValueError(f"message {msgid!r} defined twice (again in {where}/{entry.name})")
            missing = [lang for lang in LANGS if lang not in templates]
            if missing:
                raise ValueError(f"message {msgid!r} in {where}/{entry.name} lacks {missing}")
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


def pollutant_name(code: str | None, lang: str = DEFAULT_LANG) -> str:
    """Display name of an HJ 212-2017 pollutant code (the code itself when unknown)."""
    if code is None:
        return text("outlet", lang)
    templates = catalogue().get(f"pollutant.{code}")
    return templates[_lang(lang)] if templates else code


def pollutant_unit(code: str | None) -> str:
    """Unit of a pollutant's value (mg/L for concentrations, m3/h for flow, none for pH)."""
    templates = catalogue().get(f"unit.{code}")
    return templates["en"] if templates else "mg/L"


def text(msgid: str, lang: str = DEFAULT_LANG, /, **params: Any) -> str:
    """Render message ``msgid`` in ``lang``. A ``pollutant`` parameter holding a code is named."""
    try:
        template = catalogue()[msgid][_lang(lang)]
    except KeyError:
        raise KeyError(f"no message {msgid!r} in detectors/catalogue") from None
    if "pollutant" in params:
        code = params["pollutant"]
        params["pollutant"] = pollutant_name(code, lang)
        params.setdefault("unit", pollutant_unit(code))
    used = _fields(template)
    return template.format(**{k: _show(v) for k, v in params.items() if used is None or k in used})


@cache
def _fields(template: str) -> frozenset[str] | None:
    """The names of the fields ``template`` formats, so that only those parameters are shown
    (a finding passes its whole evidence; formatting the numbers a message does not show cost
    more than the rest of it); None when it has other than named fields (a nested or positional
    one, or a malformed template): every parameter then."""
    names = set()
    try:
        for _, name, spec, _ in string.Formatter().parse(template):
            if name is None:
                continue
            base = re.split(r"[.\[]", name, maxsplit=1)[0]
            if not base or base.isdigit() or "{" in (spec or ""):
                return None
            names.add(base)
    except ValueError:
        return None
    return frozenset(names)


def _lang(lang: str) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


def _show(value: Any) -> Any:
    """Numbers as a person reads them: up to 3 significant decimals, no trailing zeros."""
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"
    return value
