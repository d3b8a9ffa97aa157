"""What casework needs from a site registry: the site of an MN and the list of enterprises.

Accepts the registry of :mod:`monitor.registry`, a mapping ``mn -> site`` or an iterable of sites;
a site is anything with ``mn``, ``enterprise``, ``name`` and ``district`` attributes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

__all__ = ["SiteLike", "enterprise_districts", "sites_by_mn"]


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
