"""`monitor users add|passwd|list` and `monitor serve --help`, through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy.orm import Session

from monitor.casework.staff import authenticate, get_user
from monitor.cli import main
from monitor.store.store import create_engine


def _run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    r = CliRunner().invoke(main, list(args), input=stdin)
    return r.exit_code, r.output


def test_add_list_passwd(sqlite_url: str) -> None:
    code, out = _run(
        "users",
        "add",
        "wang",
        "--db",
        sqlite_url,
        "--district",
        "Lintong",
        "--name",
        "Wang Wei",
        "--password-stdin",
        stdin="long enough pw\n",
    )
    assert code == 0, out
    assert "user wang added (inspector, Lintong)" in out
    code, out = _run(
        "users",
        "add",
        "boss",
        "--db",
        sqlite_url,
        "--role",
        "admin",
        stdin="another pass\nanother pass\n",
    )
    assert code == 0, out
    code, out = _run("users", "list", "--db", sqlite_url, "--format", "json")
    rows = json.loads(out)
    assert [(r["username"], r["role"], r["district"]) for r in rows] == [
        ("boss", "admin", ""),
        ("wang", "inspector", "Lintong"),
    ]
    assert "hash" not in out and "argon2" not in out
    engine = create_engine(sqlite_url)
    with Session(engine) as s:
        stored = get_user(s, "wang").password_hash
        assert stored.startswith("$argon2id$") and "long enough pw" not in stored
        assert authenticate(s, "wang", "long enough pw") is not None
    code, out = _run(
        "users",
        "passwd",
        "wang",
        "--db",
        sqlite_url,
        "--password-stdin",
        stdin="a new passphrase\n",
    )
    assert code == 0 and "wang 的密码已修改" in out
    with Session(engine) as s:
        assert authenticate(s, "wang", "long enough pw") is None
        assert authenticate(s, "wang", "a new passphrase") is not None


def test_errors_are_one_line(sqlite_url: str) -> None:
    code, out = _run(
        "users", "add", "x", "--db", sqlite_url, "--password-stdin", stdin="long enough pw\n"
    )
    assert code == 1 and "needs a district (--district NAME)" in out
    code, out = _run(
        "users",
        "add",
        "x",
        "--db",
        sqlite_url,
        "--district",
        "D",
        "--password-stdin",
        stdin="short\n",
    )
    assert code == 1 and "at least 8 characters" in out
    _run(
        "users",
        "add",
        "x",
        "--db",
        sqlite_url,
        "--district",
        "D",
        "--password-stdin",
        stdin="long enough pw\n",
    )
    code, out = _run(
        "users",
        "add",
        "x",
        "--db",
        sqlite_url,
        "--district",
        "D",
        "--password-stdin",
        stdin="long enough pw\n",
    )
    assert code == 1 and "exists already" in out
    code, out = _run(
        "users", "passwd", "ghost", "--db", sqlite_url, "--password-stdin", stdin="long enough pw\n"
    )
    assert code == 1 and "no user 'ghost'" in out


def test_help_has_examples() -> None:
    for args in (["users"], ["users", "add"], ["users", "passwd"], ["users", "list"], ["serve"]):
        code, out = _run(*args, "--help")
        assert code == 0 and "Example:" in out, args


def test_serve_refuses_a_short_secret(sqlite_url: str, tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["serve", "--db", sqlite_url], env={"MONITOR_WEB_SECRET": "short"})
    assert r.exit_code == 1 and "MONITOR_WEB_SECRET is shorter than 16 characters" in r.output
    cfg = tmp_path / "monitor.toml"
    cfg.write_text(f'database = "{sqlite_url}"\n[web]\nsecret = "tiny"\n', encoding="utf-8")
    r = CliRunner().invoke(main, ["serve", "--config", str(cfg)], env={"MONITOR_WEB_SECRET": ""})
    assert r.exit_code == 1 and "[web] secret is shorter" in r.output
    assert "tiny" not in r.output
