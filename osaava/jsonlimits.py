"""JSON from outside (a REST API, an xAPI LRS) is parsed within limits (issue 13): a body of
more than :data:`MAX_BODY_BYTES` is not read, a document nested deeper than
:data:`MAX_JSON_DEPTH` is refused with a clear message before the parser sees it — Python's
``json`` would otherwise end in an uncaught ``RecursionError``."""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np

MAX_BODY_BYTES = 64 << 20  # one page of an answer
MAX_JSON_DEPTH = 64  # the goal-discussion API and xAPI statements nest about 6 deep

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


class JsonTooDeep(ValueError):
    """The document nests deeper than allowed."""


def json_depth(data: bytes | str) -> int:
    """How deep arrays and objects nest in a JSON text (strings do not count), in linear time."""
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKET)
    if not brackets:
        return 0
    arr = np.frombuffer(brackets, dtype=np.uint8)
    step = np.where((arr == ord("[")) | (arr == ord("{")), 1, -1).astype(np.int64)
    return int(np.cumsum(step).max())


def loads(data: bytes | str, max_depth: int | None = None) -> Any:
    """``json.loads`` after a depth check; :class:`JsonTooDeep` (a ``ValueError``) when deeper."""
    limit = MAX_JSON_DEPTH if max_depth is None else max_depth
    depth = json_depth(data)
    if depth > limit:
        raise JsonTooDeep(f"the JSON nests {depth} levels deep, more than the limit of {limit}")
    try:
        return json.loads(data)
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise JsonTooDeep(f"the JSON nests too deep (limit {limit})") from None
