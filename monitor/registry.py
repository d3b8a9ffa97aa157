"""The site registry (DESIGN.md section 4): which outlets exist, who runs them, their limits.

A TOML file with one ``[[site]]`` table per outlet::

    [[site]]
    mn = "61011500000001"          # required: HJ 212 MN
    enterprise = "E0001"           # required
    name = "Outlet 1"              # required
    district = "Lintong"           # required: alerts route by district
    password = "123456"            # HJ 212 PW (a string: quote it); required where devices are
                                   # authorised (monitor ingest, monitor gateway), optional for a
                                   # registry used only for history (detect, score, serve)
    industry = "sewage"            # optional
    operator = "..."               # optional: the operation and maintenance company
    announced = [2026-06-01T10:00:00+08:00]  # optional: announced transmission changes
                                   # (firmware updates, new loggers): no fingerprint finding there

    [site.pollutants.w01018]       # 2017 code (a 2005 code such as "011" is mapped)
    limit = 50.0                   # upper limit; pH: limit = [6.0, 9.0]
    range = [0, 500]               # analyser range (optional)
    standard = 25.0                # calibration standard solution (optional)
    cycle_minutes = 120            # analyser cycle (optional)

Every error is one :class:`RegistryError` whose message names the file, the site (its MN, or its
position when the MN itself is wrong), the key, and how to fix it. Unknown keys are errors (a typo
such as ``limt`` must not silently drop a limit).
"""

from __future__ import annotations

import hmac
import math
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Protocol

from detectors.spec import OutletSpec, PollutantSpec
from ingest.hj212.codes import POLLUTANT_2005_TO_2017

__all__ = [
    "Registry",
    "RegistryError",
    "Site",
    "SiteLike",
    "enterprise_districts",
    "load_registry",
    "sites_by_mn",
]

_SITE_KEYS: Final = {
    "announced",
    "mn",
    "enterprise",
    "name",
    "district",
    "password",
    "industry",
    "operator",
    "pollutants",
}
_REQUIRED: Final = ("mn", "enterprise", "name", "district")
_STRINGS: Final = (*_REQUIRED, "password")
_POLLUTANT_KEYS: Final = {"limit", "range", "standard", "cycle_minutes"}
_MN_RE: Final = re.compile(r"[0-9A-Za-z_-]{1,32}")
_CODE_2017_RE: Final = re.compile(r"[a-z]\d{5}")


class RegistryError(ValueError):
    """A registry file that cannot be used; the message names file, site, key and the fix."""


@dataclass(frozen=True, slots=True)
class Site:
    """One registered outlet. ``pollutants`` maps 2017 codes to their :class:`PollutantSpec`."""

    mn: str
    enterprise: str
    name: str
    district: str
    password: str | None = field(default=None, repr=False)
    industry: str | None = None
    pollutants: Mapping[str, PollutantSpec] = field(default_factory=dict)
    #: the third-party operation and maintenance company running the site's monitoring
    operator: str | None = None
    #: announced changes of the site's transmission (firmware updates, new loggers), UTC ISO
    announced: tuple[str, ...] = ()

    @property
    def spec(self) -> OutletSpec:
        """What detectors need of this outlet."""
        return OutletSpec(
            mn=self.mn,
            pollutants=dict(self.pollutants),
            enterprise=self.enterprise,
            district=self.district,
            industry=self.industry,
            announced=self.announced,
        )


@dataclass(frozen=True, slots=True)
class Registry:
    """All sites of a registry file, by MN, in file order."""

    sites: Mapping[str, Site]
    path: Path | None = None

    def __iter__(self) -> Iterator[Site]:
        return iter(self.sites.values())

    def __len__(self) -> int:
        return len(self.sites)

    def __contains__(self, mn: object) -> bool:
        return mn in self.sites

    def get(self, mn: str) -> Site | None:
        """The site of ``mn``, or None when it is not registered."""
        return self.sites.get(mn)

    def passwords(self) -> dict[str, str]:
        """MN -> HJ 212 password, for authorising devices (the daemon, the gateway, the demo).

        Raises :class:`RegistryError` naming the first site without one: a registry used only
        for history may leave passwords out, one that authorises devices may not.
        """
        for site in self.sites.values():
            if site.password is None:
                raise RegistryError(
                    f"{self.path or '<registry>'}: site {site.mn}: key 'password': missing, and "
                    f'devices are authorised by it here; add password = "..." to this [[site]]'
                )
        return {mn: site.password for mn, site in self.sites.items() if site.password is not None}

    def authorise(self, mn: str, pw: str | None) -> bool:
        """True when ``mn`` is registered and ``pw`` is its password (constant-time compare)."""
        site = self.sites.get(mn)
        if site is None or site.password is None or pw is None:
            return False
        return hmac.compare_digest(site.password.encode(), pw.encode())

    def specs(self) -> dict[str, OutletSpec]:
        """MN -> :class:`OutletSpec` of every site."""
        return {mn: site.spec for mn, site in self.sites.items()}


def load_registry(path: str | Path) -> Registry:
    """Read and check a registry TOML file; raise :class:`RegistryError` on the first problem."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise RegistryError(
            f"{path}: registry file not found; pass --sites PATH or set MONITOR_SITES"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(
            f"{path}: cannot read the registry ({exc}); save it as UTF-8 TOML"
        ) from None
    return parse_registry(text, path)


def parse_registry(text: str, path: str | Path = "<registry>") -> Registry:
    """Check registry TOML ``text`` (``path`` is only used in messages)."""
    path = Path(path)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{path}: not valid TOML: {exc}; fix the syntax there") from None
    unknown_top = set(doc) - {"site"}
    if unknown_top:
        key = sorted(unknown_top)[0]
        raise RegistryError(
            f"{path}: top-level key {key!r} is not part of a registry; put outlets in [[site]] tables"
        )
    raw_sites = doc.get("site")
    if not isinstance(raw_sites, list) or not raw_sites:
        raise RegistryError(
            f"{path}: no [[site]] table; add one [[site]] per outlet (mn, enterprise, name, district)"
        )
    sites: dict[str, Site] = {}
    for index, raw in enumerate(raw_sites, start=1):
        site = _site(path, index, raw)
        if site.mn in sites:
            raise RegistryError(
                f"{path}: site #{index}: key 'mn': MN {site.mn!r} is registered twice; keep one [[site]] per MN"
            )
        sites[site.mn] = site
    return Registry(sites, path)


def _site(path: Path, index: int, raw: dict[str, Any]) -> Site:
    where = f"site #{index}"
    mn = raw.get("mn")
    if isinstance(mn, str) and _MN_RE.fullmatch(mn):
        where = f"site {mn}"

    def fail(key: str, problem: str, fix: str) -> RegistryError:
        return RegistryError(f"{path}: {where}: key {key!r}: {problem}; {fix}")

    for key in raw:
        if key not in _SITE_KEYS:
            raise fail(key, "unknown key", f"use only {', '.join(sorted(_SITE_KEYS))}")
    for key in _STRINGS:
        if key not in raw:
            if key in _REQUIRED:
                raise fail(key, "missing", f'add {key} = "..." to this [[site]]')
            continue
        value = raw[key]
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise fail(
                key, f"is the number {value!r}, not a string", f'quote it: {key} = "{value}"'
            )
        if not isinstance(value, str) or not value.strip():
            raise fail(key, "must be a non-empty string", f'write {key} = "..."')
    if not _MN_RE.fullmatch(raw["mn"]):
        raise fail("mn", f"{raw['mn']!r} is not an MN", "use 1 to 32 letters or digits (HJ 212 MN)")
    industry = raw.get("industry")
    if industry is not None and not isinstance(industry, str):
        raise fail("industry", "must be a string", 'write industry = "..." or leave it out')
    operator = raw.get("operator")
    if operator is not None and (not isinstance(operator, str) or not operator.strip()):
        raise fail(
            "operator", "must be a non-empty string", 'write operator = "..." or leave it out'
        )
    announced = _announced(fail, raw.get("announced", []))
    pollutants_raw = raw.get("pollutants", {})
    if not isinstance(pollutants_raw, dict):
        raise fail("pollutants", "must be a table", "write [site.pollutants.w01018] tables")
    pollutants: dict[str, PollutantSpec] = {}
    for code, spec_raw in pollutants_raw.items():
        spec = _pollutant(fail, code, spec_raw)
        if spec.code in pollutants:
            raise fail(
                f"pollutants.{code}",
                f"{spec.code} is given twice (2005 and 2017 codes)",
                "keep one table per pollutant",
            )
        pollutants[spec.code] = spec
    return Site(
        mn=raw["mn"],
        enterprise=raw["enterprise"],
        name=raw["name"],
        district=raw["district"],
        password=raw.get("password"),
        industry=industry,
        pollutants=pollutants,
        operator=operator.strip() if operator else None,
        announced=announced,
    )


def _announced(fail: Any, raw: Any) -> tuple[str, ...]:
    """``announced = [2026-06-01T10:00:00+08:00, ...]``: TOML date-times with an offset (or ISO
    strings with one), as UTC ISO strings."""
    if not isinstance(raw, list):
        raise fail("announced", "must be a list", "write announced = [2026-06-01T10:00:00+08:00]")
    out = []
    for item in raw:
        when = item if isinstance(item, datetime) else None
        if isinstance(item, str):
            try:
                when = datetime.fromisoformat(item)
            except ValueError:
                when = None
        if when is None or when.tzinfo is None:
            raise fail(
                "announced",
                f"{item!r} is not a date-time with an offset",
                "write announced = [2026-06-01T10:00:00+08:00]",
            )
        out.append(when.astimezone(UTC).isoformat())
    return tuple(out)


def _pollutant(fail: Any, code: str, raw: Any) -> PollutantSpec:
    key = f"pollutants.{code}"
    mapped = POLLUTANT_2005_TO_2017.get(code, code)
    if not _CODE_2017_RE.fullmatch(mapped):
        raise fail(
            key, f"{code!r} is not an HJ 212 pollutant code", "use a 2017 code such as w01018 (COD)"
        )
    if not isinstance(raw, dict):
        raise fail(key, "must be a table", f"write [site.pollutants.{code}] with limit = ...")
    for k in raw:
        if k not in _POLLUTANT_KEYS:
            raise fail(
                f"{key}.{k}", "unknown key", f"use only {', '.join(sorted(_POLLUTANT_KEYS))}"
            )
    limit: float | None = None
    limit_range: tuple[float, float] | None = None
    if "limit" in raw:
        value = raw["limit"]
        if isinstance(value, list):
            limit_range = _pair(fail, f"{key}.limit", value, "limit = [6.0, 9.0]")
        else:
            limit = _number(fail, f"{key}.limit", value, "limit = 50.0")
            if limit <= 0:
                raise fail(
                    f"{key}.limit", f"{limit} is not positive", "give the upper discharge limit"
                )
    analyser_range = None
    if "range" in raw:
        analyser_range = _pair(fail, f"{key}.range", raw["range"], "range = [0, 500]")
    standard = (
        _number(fail, f"{key}.standard", raw["standard"], "standard = 25.0")
        if "standard" in raw
        else None
    )
    cycle = None
    if "cycle_minutes" in raw:
        cycle = _number(fail, f"{key}.cycle_minutes", raw["cycle_minutes"], "cycle_minutes = 120")
        if cycle <= 0:
            raise fail(
                f"{key}.cycle_minutes",
                f"{cycle} is not positive",
                "give the analyser cycle in minutes",
            )
    return PollutantSpec(
        code=mapped,
        limit=limit,
        limit_range=limit_range,
        analyser_range=analyser_range,
        standard=standard,
        cycle_minutes=cycle,
    )


def _number(fail: Any, key: str, value: Any, example: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise fail(key, f"{value!r} is not a number", f"write {example}")
    return float(value)


def _pair(fail: Any, key: str, value: Any, example: str) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) != 2:
        raise fail(key, f"{value!r} is not a [low, high] pair", f"write {example}")
    low, high = (_number(fail, key, v, example) for v in value)
    if not low < high:
        raise fail(key, f"low {low} is not below high {high}", f"write {example}")
    return (low, high)


# What casework needs from a registry: the registry above, a mapping ``mn -> site`` or an
# iterable of sites; a site is anything with ``mn``, ``enterprise``, ``name`` and ``district``.


class SiteLike(Protocol):
    mn: str
    enterprise: str
    name: str
    district: str


def sites_by_mn(registry: Any) -> dict[str, SiteLike]:
    """Every site of ``registry`` keyed by MN (empty for ``None``)."""
    if registry is None:
        return {}
    sites: Any = getattr(registry, "sites", registry)
    if callable(sites):
        sites = sites()
    if isinstance(sites, Mapping):
        sites = sites.values()
    if not isinstance(sites, Iterable):
        raise TypeError(f"cannot read sites from {type(registry).__name__}")
    return {site.mn: site for site in sites}


def enterprise_districts(registry: Any) -> dict[str, str]:
    """Each enterprise of ``registry`` with its district (the first site's, in MN order)."""
    out: dict[str, str] = {}
    for mn, site in sorted(sites_by_mn(registry).items()):
        del mn
        out.setdefault(site.enterprise, site.district)
    return out
