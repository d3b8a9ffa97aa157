"""Answers to devices: 9014 data acknowledgement, 9011 request answer, 9012 execution result.

Each answer (HJ 212-2017 section 6) echoes the request's QN, MN and PW, has ``ST=91`` and a Flag
carrying the request's protocol version with neither the A nor the D bit (``Flag=4`` for a 2017
request; ``Flag=4`` too when the request had no Flag). 9014 has an empty CP; 9011 has
``CP=&&QnRtn=n&&``, 9012 ``CP=&&ExeRtn=n&&``.
"""

from __future__ import annotations

from typing import Final

from ingest.hj212.packet import Packet, encode_packet

#: QnRtn of 9011.
QN_READY: Final[int] = 1
QN_REJECTED: Final[int] = 2
QN_PW_ERROR: Final[int] = 3
QN_MN_ERROR: Final[int] = 4
QN_ST_ERROR: Final[int] = 5
QN_FLAG_ERROR: Final[int] = 6
QN_QN_ERROR: Final[int] = 7
QN_CN_ERROR: Final[int] = 8
QN_CRC_ERROR: Final[int] = 9
QN_UNKNOWN_ERROR: Final[int] = 100

#: ExeRtn of 9012.
EXE_SUCCESS: Final[int] = 1
EXE_FAILED: Final[int] = 2
EXE_CONDITION_ERROR: Final[int] = 3
EXE_TIMEOUT: Final[int] = 4
EXE_BUSY: Final[int] = 5
EXE_FAULT: Final[int] = 6
EXE_NO_DATA: Final[int] = 100


def _answer(request: Packet, cn: str, cp: tuple[tuple[tuple[str, str], ...], ...]) -> bytes:
    version = request.version
    flag = (1 if version is None else version) << 2
    answer = Packet.build(
        qn=request.qn, st="91", cn=cn, pw=request.pw, mn=request.mn, flag=flag, cp=cp
    )
    return encode_packet(answer, max_length=None)


def data_ack(request: Packet) -> bytes:
    """9014: acknowledge a data packet (same QN)."""
    return _answer(request, "9014", ())


def request_answer(request: Packet, qn_rtn: int = QN_READY) -> bytes:
    """9011: answer a request with ``QnRtn`` (1 ready, 2 rejected, 3 PW error, ...)."""
    return _answer(request, "9011", ((("QnRtn", str(qn_rtn)),),))


def execution_result(request: Packet, exe_rtn: int = EXE_SUCCESS) -> bytes:
    """9012: report a request's execution with ``ExeRtn`` (1 success, 2 failed, ...)."""
    return _answer(request, "9012", ((("ExeRtn", str(exe_rtn)),),))
