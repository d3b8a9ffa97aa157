"""The site registry: sites and specs from TOML; every error names file, site, key and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from detectors.spec import OutletSpec, PollutantSpec
from monitor.registry import RegistryError, load_registry, parse_registry

GOOD = """
[[site]]
mn = "61011500000001"
enterprise = "E0001"
name = "Outlet 1"
district = "Lintong"
password = "012345"
industry = "sewage"

[site.pollutants.w01018]
limit = 50.0
range = [0, 500]
standard = 25.0
cycle_minutes = 120

[site.pollutants.w01001]
limit = [6.0, 9.0]

[site.pollutants.060]
limit = 5

[[site]]
mn = "61011500000002"
enterprise = "E0002"
name = "Outlet 2"
district = "Yanta"
password = "pw2"
"""


def _site(extra: str = "", **fields: str) -> str:
    base = {"mn": '"M1"', "enterprise": '"E"', "name": '"N"', "district": '"D"', "password": '"P"'}
    base.update(fields)
    body = "\n".join(f"{k} = {v}" for k, v in base.items() if v is not None)
    return f"[[site]]\n{body}\n{extra}"


def test_loads_sites_and_specs(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(GOOD, encoding="utf-8")
    reg = load_registry(path)
    assert len(reg) == 2 and "61011500000001" in reg
    site = reg.get("61011500000001")
    assert site is not None
    assert (site.enterprise, site.district, site.industry) == ("E0001", "Lintong", "sewage")
    assert site.pollutants["w01018"] == PollutantSpec(
        "w01018", limit=50.0, analyser_range=(0.0, 500.0), standard=25.0, cycle_minutes=120.0
    )
    assert site.pollutants["w01001"].limit_range == (6.0, 9.0)
    assert site.pollutants["w21003"].limit == 5.0  # 2005 code 060 mapped to NH3-N
    spec = site.spec
    assert isinstance(spec, OutletSpec)
    assert spec.mn == site.mn and spec.pollutant("w01018").upper_limit == 50.0
    assert reg.get("61011500000002").industry is None
    assert set(reg.specs()) == {"61011500000001", "61011500000002"}


def test_passwords_and_authorise() -> None:
    reg = parse_registry(GOOD)
    assert reg.passwords() == {"61011500000001": "012345", "61011500000002": "pw2"}
    assert reg.authorise("61011500000001", "012345")
    assert not reg.authorise("61011500000001", "12345")
    assert not reg.authorise("61011500000001", None)
    assert not reg.authorise("99999999999999", "012345")
    assert "012345" not in repr(reg.get("61011500000001"))


def test_announced_transmission_changes_reach_the_detectors() -> None:
    reg = parse_registry(
        _site('announced = [2026-06-01T10:00:00+08:00, "2026-07-01T00:00:00+00:00"]')
    )
    site = reg.get("M1")
    assert site is not None
    assert site.spec.announced == ("2026-06-01T02:00:00+00:00", "2026-07-01T00:00:00+00:00")
    with pytest.raises(
        RegistryError, match=r"key 'announced': .* is not a date-time with an offset"
    ):
        parse_registry(_site("announced = [2026-06-01T10:00:00]"))
    with pytest.raises(RegistryError, match=r"key 'announced': must be a list"):
        parse_registry(_site('announced = "2026-06-01"'))


def test_password_is_optional_until_devices_are_authorised() -> None:
    reg = parse_registry(_site(password=None), "analysts.toml")
    site = reg.get("M1")
    assert site is not None and site.password is None
    assert not reg.authorise("M1", "")
    assert not reg.authorise("M1", "P")
    with pytest.raises(RegistryError, match=r"analysts.toml: site M1: key 'password': missing"):
        reg.passwords()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("site = 1", "no [[site]] table"),
        ("[other]\nx = 1", "top-level key 'other'"),
        ("[[site]\nmn = 1", "not valid TOML"),
        ("", "no [[site]] table"),
        (
            _site(password="123456"),
            "site M1: key 'password': is the number 123456, not a string; quote it",
        ),
        (_site(district=None), "site M1: key 'district': missing; add district"),
        (_site(mn='"bad mn!"'), "site #1: key 'mn': 'bad mn!' is not an MN"),
        (_site(limt="5"), "site M1: key 'limt': unknown key"),
        (
            _site("[site.pollutants.w01018]\nlimt = 5"),
            "site M1: key 'pollutants.w01018.limt': unknown key",
        ),
        (
            _site("[site.pollutants.w01018]\nlimit = 'high'"),
            "key 'pollutants.w01018.limit': 'high' is not a number",
        ),
        (
            _site("[site.pollutants.w01018]\nlimit = -1"),
            "key 'pollutants.w01018.limit': -1.0 is not positive",
        ),
        (
            _site("[site.pollutants.w01001]\nlimit = [9, 6]"),
            "key 'pollutants.w01001.limit': low 9.0 is not below high 6.0",
        ),
        (
            _site("[site.pollutants.w01018]\nrange = [0]"),
            "key 'pollutants.w01018.range': [0] is not a [low, high] pair",
        ),
        (
            _site("[site.pollutants.w01018]\ncycle_minutes = 0"),
            "cycle_minutes': 0.0 is not positive",
        ),
        (
            _site("[site.pollutants.cod]\nlimit = 5"),
            "key 'pollutants.cod': 'cod' is not an HJ 212 pollutant code",
        ),
        (
            _site("[site.pollutants.w01018]\nlimit = 5\n[site.pollutants.011]\nlimit = 6"),
            "w01018 is given twice",
        ),
        (_site() + "\n" + _site(), "site #2: key 'mn': MN 'M1' is registered twice"),
    ],
)
def test_errors_name_file_site_key_and_fix(text: str, expected: str) -> None:
    with pytest.raises(RegistryError) as info:
        parse_registry(text, "conf/sites.toml")
    message = str(info.value)
    assert message.startswith("conf/sites.toml: ")
    assert expected in message
    assert "\n" not in message.strip() or "TOML" in message


def test_missing_file_says_how_to_pass_one(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match=r"nope\.toml: registry file not found; pass --sites"):
        load_registry(tmp_path / "nope.toml")
