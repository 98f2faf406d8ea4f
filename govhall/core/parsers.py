"""The API's JSON body parser: bounded in size and nesting, every refusal a 400 that names the rule.

DRF's own parser reads the whole body whatever its length (Django's DATA_UPLOAD_MAX_MEMORY_SIZE applies
only to `request.body` and form data, not to the stream DRF reads), lets Python's decoder recurse until
it raises RecursionError on a body nested 10,000 deep (an unhandled 500), and answers invalid UTF-8 with
the codec's English words. This one reads at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes, decodes strictly,
refuses NaN and Infinity (not JSON), and refuses a body nested deeper than JSON_DEPTH_MAX.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from govhall.core.inputs import JSON_DEPTH_MAX


def max_body_bytes() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440


def _refuse_constant(name: str):
    raise ValueError(name)


def _depth(value) -> int:
    """The nesting depth of a decoded value, without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > JSON_DEPTH_MAX:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


class BadBody(ValueError):
    """A JSON body refused, with the rule it breaks (the message) and a code."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def decode(raw: bytes) -> object:
    """A JSON body's value, or BadBody naming the rule: size, UTF-8, NUL, syntax, NaN, nesting."""
    limit = max_body_bytes()
    if len(raw) > limit:
        raise BadBody(_("The JSON body is larger than %(max)s bytes.") % {"max": limit}, "body_size")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadBody(
            _("The JSON body is not valid UTF-8 (byte %(at)s).") % {"at": exc.start}, "utf8"
        ) from None
    if "\x00" in text:
        raise BadBody(_("The JSON body contains a NUL character."), "null_characters")
    too_deep = BadBody(
        _("The JSON body is nested more than %(max)s levels deep.") % {"max": JSON_DEPTH_MAX}, "json_depth"
    )
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise too_deep from None
    except json.JSONDecodeError as exc:
        raise BadBody(
            _("The JSON body is not valid JSON (line %(line)s, column %(column)s).")
            % {"line": exc.lineno, "column": exc.colno},
            "json",
        ) from None
    except ValueError:
        raise BadBody(_("NaN and Infinity are not numbers in JSON."), "json") from None
    if _depth(value) > JSON_DEPTH_MAX:
        raise too_deep
    return value


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read(max_body_bytes() + 1) if stream is not None else b""
        try:
            return decode(raw)
        except BadBody as exc:
            raise ParseError(str(exc), code=exc.code) from None
