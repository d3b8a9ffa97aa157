"""Answers 9014, 9011, 9012."""

from __future__ import annotations

from ingest.hj212 import data_ack, decode_packet, execution_result, request_answer
from tests.ingest.hj212_samples import STANDARD_EXAMPLE, hourly


def test_data_ack_echoes_qn_mn_pw() -> None:
    answer = decode_packet(data_ack(hourly()))
    assert answer.header == (
        ("QN", "20261129080012345"), ("ST", "91"), ("CN", "9014"), ("PW", "123456"),
        ("MN", "61011500000001"), ("Flag", "4"),
    )  # fmt: skip
    assert answer.cp_text == ""


def test_exact_9014_bytes() -> None:
    ack = data_ack(decode_packet(STANDARD_EXAMPLE))
    segment = (
        b"QN=20160801085857223;ST=91;CN=9014;PW=100000;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&"
    )
    assert ack[:6] == b"##%04d" % len(segment) and ack[6:-6] == segment and ack.endswith(b"\r\n")


def test_request_answer_and_execution_result() -> None:
    request = decode_packet(STANDARD_EXAMPLE)
    assert decode_packet(request_answer(request, 3)).cp == ((("QnRtn", "3"),),)
    assert decode_packet(request_answer(request)).cn == "9011"
    result = decode_packet(execution_result(request, 100))
    assert result.cn == "9012" and result.cp_value("ExeRtn") == "100" and result.qn == request.qn


def test_answer_keeps_the_request_version_without_a_and_d_bits() -> None:
    assert decode_packet(data_ack(hourly(flag=1))).flag == 0  # 2005 request
    assert decode_packet(data_ack(hourly(flag=11))).flag == 8  # 2025 request
    assert decode_packet(data_ack(hourly(Flag=""))).flag == 4  # no Flag: answer as 2017
