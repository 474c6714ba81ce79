"""One string field read out of JSON text that is still arriving.

The field is a top-level string, extracted incrementally.

    stream = FieldStream("question")
    for piece in chunks:                 # any split, even inside an escape sequence
        show(stream.feed(piece))         # the newly decoded text of the field ("" if none)
    stream.value, stream.complete        # the decoded value so far; True once its closing quote came

Tolerant by design (it runs on a model's raw output before it is validated):

* text before the first "{" (prose, a ```json fence) is skipped, and so is anything after the
  object closes;
* the field may come anywhere in the object, after nested objects, arrays, numbers or strings
  holding braces and quotes; only a key at the top level of the object counts;
* escapes are decoded as `json.loads` decodes them: \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX,
  including surrogate pairs split over several chunks; an unknown escape yields the character;
* only the first occurrence of the key is streamed (json.loads keeps the last one of duplicate
  keys: the caller reconciles with the parsed object at the end, see LLMClient.structured);
* a value that is not a string (null, a number, an object) yields nothing.

It never raises on malformed input: it just stops yielding text that cannot be part of the field.
"""

from __future__ import annotations

_SIMPLE_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
_HEX = frozenset("0123456789abcdefABCDEF")


class FieldStream:
    """Feed JSON text piece by piece; get back the new decoded text of top-level `field`."""

    def __init__(self, field: str):
        self.field = field
        self.value = ""
        """The decoded value of the field so far."""
        self.started = False
        """True once the field's string value has begun."""
        self.complete = False
        """True once the field's closing quote has been read."""
        self._in_object = False
        self._done = False  # the top-level object closed
        self._depth = 0
        self._expect = "key"  # at depth 1: key | colon | value | comma
        self._string: str | None = None  # None | "key" | "target" | "skip"
        self._escape: str | None = None  # None | "\\" | "u" + hex digits so far
        self._high: str | None = None  # a high surrogate waiting for its low half
        self._high_escape = False  # a backslash seen right after a high surrogate
        self._key: list[str] = []
        self._last_key: str | None = None
        self._out: list[str] = []

    def feed(self, text: str) -> str:
        """Consume `text`; return the text newly added to the field's value (maybe "")."""
        self._out = []
        for ch in text:
            if self._done:
                break
            self._step(ch)
        delta = "".join(self._out)
        self.value += delta
        return delta

    # ------------------------------------------------------------------ the scanner
    def _step(self, ch: str) -> None:
        if self._string is not None:
            self._string_char(ch)
            return
        if not self._in_object:
            if ch == "{":
                self._in_object = True
                self._depth = 1
                self._expect = "key"
            return
        if ch == '"':
            kind = "skip"
            if self._depth == 1:
                if self._expect == "key":
                    kind = "key"
                    self._key = []
                elif self._expect == "value":
                    self._expect = "comma"
                    if self._last_key == self.field and not self.started:
                        kind = "target"
                        self.started = True
            self._string = kind
            return
        if ch in "{[":
            if self._depth == 1 and self._expect == "value":
                self._expect = "comma"
            self._depth += 1
            return
        if ch in "}]":
            self._depth -= 1
            if self._depth <= 0:
                self._done = True
            return
        if self._depth != 1 or ch.isspace():
            return
        if ch == ":":
            if self._expect == "colon":
                self._expect = "value"
        elif ch == ",":
            self._expect = "key"
        elif self._expect == "value":
            self._expect = "comma"  # a bare literal: number, true, false, null

    def _string_char(self, ch: str) -> None:
        # A high surrogate (\uD800-\uDBFF) waits to see whether a low one follows as \uXXXX.
        if self._high is not None and self._escape is None:
            if self._high_escape:
                self._high_escape = False
                if ch == "u":
                    self._escape = "u"
                    return
                self._flush_high()
                self._escape_char(ch)
                return
            if ch == "\\":
                self._high_escape = True
                return
            self._flush_high()
        if self._escape is not None:
            if self._escape == "\\":
                self._escape_char(ch)
            else:
                self._unicode_char(ch)
            return
        if ch == "\\":
            self._escape = "\\"
        elif ch == '"':
            self._end_string()
        else:
            self._emit(ch)

    def _escape_char(self, ch: str) -> None:
        if ch == "u":
            self._escape = "u"
            return
        self._escape = None
        self._emit(_SIMPLE_ESCAPES.get(ch, ch))

    def _unicode_char(self, ch: str) -> None:
        if ch not in _HEX:  # malformed \u escape: keep what came, carry on with this character
            self._escape = None
            self._flush_high()
            if ch == '"':
                self._end_string()
            else:
                self._emit(ch)
            return
        self._escape = (self._escape or "") + ch
        if len(self._escape) < 5:
            return
        code = int(self._escape[1:], 16)
        self._escape = None
        if self._high is not None:
            high, self._high = self._high, None
            if 0xDC00 <= code <= 0xDFFF:
                self._emit(chr(0x10000 + ((ord(high) - 0xD800) << 10) + (code - 0xDC00)))
                return
            self._emit(high)
        if 0xD800 <= code <= 0xDBFF:
            self._high = chr(code)
        else:
            self._emit(chr(code))

    def _flush_high(self) -> None:
        if self._high is not None:
            high, self._high = self._high, None
            self._emit(high)  # a lone surrogate, as json.loads keeps it

    def _end_string(self) -> None:
        self._flush_high()
        kind, self._string = self._string, None
        if kind == "key":
            self._last_key = "".join(self._key)
            self._expect = "colon"
        elif kind == "target":
            self.complete = True

    def _emit(self, ch: str) -> None:
        if self._string == "target":
            self._out.append(ch)
        elif self._string == "key":
            self._key.append(ch)
