"""``monitor hj212 decode``: one JSON object per input line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.hj212 import encode_packet
from ingest.hj212.crc import crc_for, format_crc
from monitor.cli import main
from monitor.cli.hj212 import describe
from tests.ingest.hj212_samples import STANDARD_EXAMPLE, frame, hourly

KEYS = ["ok", "crc", "qn", "st", "cn", "pw", "mn", "flag", "version", "datatime", "values", "cp"]


def run(stdin: bytes, *args: str) -> tuple[int, list[dict[str, object]], str]:
    result = CliRunner().invoke(main, ["hj212", "decode", *args], input=stdin)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    return result.exit_code, lines, result.stderr


def test_decodes_each_line_in_order_with_exact_fields() -> None:
    hourly_frame = encode_packet(hourly())
    code, lines, _ = run(STANDARD_EXAMPLE + hourly_frame)
    assert code == 0 and len(lines) == 2
    assert list(lines[0]) == KEYS
    assert lines[0] == {
        "ok": True, "crc": "hj212", "qn": "20160801085857223", "st": "32", "cn": "1062",
        "pw": "100000", "mn": "010000A8900016F000169DC0", "flag": 5, "version": 1,
        "datatime": None, "values": {}, "cp": {"RtdInterval": 30},
    }  # fmt: skip
    second = lines[1]
    assert second["datatime"] == "2026-11-29T08:00:00+08:00"
    assert second["values"]["w01018"] == {
        "Avg": 35.2,
        "Min": 30.1,
        "Max": 40.0,
        "Cou": 28.59,
        "Flag": "N",
    }  # type: ignore[index]
    assert second["values"]["w01001"]["Flag"] == "N" and second["cp"] == {}  # type: ignore[index]


def test_failed_line_gives_reason_and_exit_1_and_others_still_decode() -> None:
    bad = STANDARD_EXAMPLE.replace(b"1C80", b"1C81")
    code, lines, stderr = run(bad + b"\n" + STANDARD_EXAMPLE)
    assert code == 1 and "1 line(s) failed" in stderr
    assert lines[0] == {"ok": False, "reason": "crc", "detail": lines[0]["detail"]}
    assert "offset 107" in lines[0]["detail"]  # type: ignore[operator]
    assert lines[1]["ok"] is True


def test_modbus_tag_and_strict_mode() -> None:
    segment = STANDARD_EXAMPLE[6:-6]
    data = frame(segment.decode(), format_crc(crc_for(segment, "modbus-le")))
    code, lines, _ = run(data)
    assert code == 0 and lines[0]["crc"] == "modbus-le"
    code, lines, _ = run(data, "--strict-crc")
    assert code == 1 and lines[0]["reason"] == "crc"


def test_codes_are_shown_as_sent_and_2005_flag_missing() -> None:
    segment = "ST=32;CN=2011;PW=1;MN=8;CP=&&DataTime=20051201080000;011-Rtd=45.60,011-Flag=P,011-Vnd=007&&"
    code, lines, _ = run(frame(segment))
    assert code == 0
    assert lines[0]["flag"] is None and lines[0]["version"] is None and lines[0]["qn"] is None
    assert lines[0]["values"] == {"011": {"Rtd": 45.6, "Flag": "P", "Vnd": "007"}}


def test_cp_values_as_numbers_or_text() -> None:
    cp = "A=30,B=-1.5,C=007,D=1e3,E=nan,F=" + "9" * 5000 + ",G=0.25,H=.5,I=x"
    code, lines, _ = run(
        frame(f"QN=1;ST=32;CN=1011;PW=1;MN=8;Flag=4;CP=&&{cp}&&"), "--max-length", "0"
    )
    assert code == 0
    assert lines[0]["cp"] == {
        "A": 30,
        "B": -1.5,
        "C": "007",
        "D": "1e3",
        "E": "nan",
        "F": "9" * 5000,
        "G": 0.25,
        "H": ".5",
        "I": "x",
    }


def test_blank_lines_skipped_and_bad_tz_is_one_clear_error() -> None:
    code, lines, _ = run(b"\n" + STANDARD_EXAMPLE + b"\r\n\n")
    assert code == 0 and len(lines) == 1
    result = CliRunner().invoke(
        main, ["hj212", "decode", "-", "--tz", "Mars/Base"], input=STANDARD_EXAMPLE
    )
    assert result.exit_code == 1 and "--tz" in result.stderr


def test_installed_console_script_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "packets.txt"
    path.write_bytes(STANDARD_EXAMPLE + b"garbage\n")
    script = Path(sys.executable).parent / "monitor"
    done = subprocess.run(
        [str(script), "hj212", "decode", str(path)], capture_output=True, timeout=60
    )
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 1
    assert out[0]["ok"] is True and out[0]["mn"] == "010000A8900016F000169DC0"
    assert out[1]["ok"] is False and out[1]["reason"] == "frame" and "offset 0" in out[1]["detail"]


@settings(max_examples=300)
@given(
    st.binary(max_size=200),
    st.lists(st.tuples(st.integers(0, 400), st.sampled_from(b"=,;-.#&0eN\xff")), max_size=3),
)
def test_describe_never_raises(noise: bytes, mutations: list[tuple[int, int]]) -> None:
    assert describe(noise, tz="Asia/Shanghai", strict_crc=False, max_length=None)["ok"] in (
        True,
        False,
    )
    segment = bytearray(encode_packet(hourly())[6:-6])
    for position, byte in mutations:
        segment[position % len(segment)] = byte
    data = bytes(segment)
    line = b"##%04d" % len(data) + data + format_crc(crc_for(data)).encode()
    result = describe(line, tz="Asia/Shanghai", strict_crc=False, max_length=None)
    assert result["ok"] or result["reason"]
    json.dumps(result)


def test_strict_refuses_what_the_default_accepts_and_tags() -> None:
    """A device writing FLAG for Flag: tagged by default, refused with --strict (exit 1)."""
    from tests.ingest.test_hj212_deviations import STANDARD
    from tests.ingest.test_hj212_deviations import frame as framed

    upper = framed(STANDARD.replace("Flag=5", "FLAG=5"))
    code, lines, _ = run(upper + b"\n")
    assert code == 0 and lines[0]["ok"] and lines[0]["deviations"] == ["upper-case-fields"]
    assert lines[0]["flag"] == 5
    code, lines, stderr = run(upper + b"\n", "--strict")
    assert code == 1 and lines[0]["ok"] is False and lines[0]["reason"] == "syntax"
    assert "1 line(s) failed" in stderr
