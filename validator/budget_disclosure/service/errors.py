"""The service's own error answers: ``{"error": {"code", "message", "lang"}}`` with the message in the
request's language (``lang``, Chinese by default, as in the command line). Problems in a document are not
errors: they are findings in its report."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

__all__ = ["ERRORS", "ServiceError", "error_response"]


@dataclass(frozen=True)
class ErrorKind:
    status: int
    zh: str
    en: str
    retry: bool = False  # answered with Retry-After: the same request may succeed a moment later


ERRORS: dict[str, ErrorKind] = {
    "bad-parameter": ErrorKind(400, "查询参数有误：{detail}", "bad query parameter: {detail}"),
    "not-found": ErrorKind(404, "没有这个地址：{detail}", "no such resource: {detail}"),
    "unknown-rule": ErrorKind(404, "没有这条规则：{detail}", "no such rule: {detail}"),
    "method-not-allowed": ErrorKind(405, "此地址不接受 {detail} 请求", "{detail} is not allowed here"),
    "body-timeout": ErrorKind(
        408, "未在 {limit} 秒内收到完整的请求体", "the request body did not arrive within {limit} s"
    ),
    "too-large": ErrorKind(
        413, "请求体超过 {limit} 字节的上限", "the request body is larger than the limit of {limit} bytes"
    ),
    "unsupported-media-type": ErrorKind(
        415,
        "不支持的内容类型 {detail}；请用 application/json 或 xlsx 工作簿类型",
        "unsupported content type {detail}; send application/json or the xlsx workbook type",
    ),
    "unreadable": ErrorKind(422, "无法读取文档：{detail}", "the document cannot be read: {detail}"),
    "internal": ErrorKind(500, "内部错误（{detail}），请报告此问题", "internal error ({detail}); please report it"),
    "timeout": ErrorKind(503, "校验未在 {limit} 秒内完成", "validation did not finish within {limit} s", True),
    "overloaded": ErrorKind(
        503,
        "服务繁忙：已有 {limit} 项工作在进行，请稍后重试",
        "the service is busy: {limit} requests are in progress; retry shortly",
        True,
    ),
    "worker-died": ErrorKind(
        503,
        "校验进程意外退出（已替换），请重试",
        "the validating process died (it has been replaced); retry",
        True,
    ),
}


class ServiceError(Exception):
    """An error answer to raise from a handler: its code, the words to put in the message, and the language."""

    def __init__(self, code: str, lang: str = "zh", **values: Any) -> None:
        super().__init__(code)
        self.code = code
        self.lang = lang
        self.values = values

    def response(self) -> Response:
        return error_response(self.code, self.lang, **self.values)


def error_body(code: str, lang: str, **values: Any) -> dict[str, Any]:
    kind = ERRORS[code]
    words = {"detail": "", "limit": "", **values}
    message = (kind.zh if lang == "zh" else kind.en).format(**words)
    return {"error": {"code": code, "message": message, "lang": "zh" if lang == "zh" else "en"}}


def error_response(code: str, lang: str = "zh", headers: dict[str, str] | None = None, **values: Any) -> Response:
    kind = ERRORS[code]
    headers = {**(headers or {}), **({"Retry-After": "1"} if kind.retry else {})}
    body = json.dumps(error_body(code, lang, **values), ensure_ascii=False, indent=2) + "\n"
    return Response(body.encode("utf-8"), kind.status, headers, "application/json")
