"""A linear-time HTML tokenizer with the callbacks of the standard library's ``HTMLParser``.

Why not ``html.parser``: on markup it cannot finish it rescans to the end of the input once per
``<`` (60 KB of unclosed ``<a `` took 53 s), and ``<![`` followed by an unknown keyword raises an
AssertionError. Why not a C parser: the extractor in ``html.py`` works on the tag stream as written
(a ``<nav>`` the page never closes is kept, not allowed to swallow the page), which tree builders
repair away. Measured on this machine (2 shared cores, contended; lxml 6.2, selectolax 1.0.2 and
html5lib 1.1 only building their tree, the two others also extracting the text; seconds):

    input                   html.parser  html5lib  lxml.html  selectolax  this tokenizer
    60 KB of "<a "              53          3.3       0.009      0.07         0.08
    1.6 MB ordinary page         2.1         4.7       0.39       0.04         1.5

This tokenizer is a little faster than ``html.parser`` on ordinary pages (the extractor's Python
callbacks dominate), linear on any input, and gives the same events for well-formed markup. Each
construct is found with a search that starts where the previous one ended, and the searches that may
fail (a closing ``>``, ``-->``, a closing quote) are remembered, so no part of the text is scanned
twice. Malformed markup is read the way ``html.parser`` reads it where that costs nothing extra; a
start tag still open at the end of the input turns the rest of the input into text.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Protocol

RAW_TEXT = ("script", "style")  # their content is text up to the matching end tag, as in html.parser

_TAG_NAME = re.compile(r"[a-zA-Z][^\t\n\r\f />\x00]*")
_END_TAG_NAME = re.compile(r"\s*([a-zA-Z][^\t\n\r\f />\x00]*)")
_BLANKS = re.compile(r"[\s/]*+")
_ATTR_NAME = re.compile(r"[^\s/>][^\s/=>]*+")
_EQUALS = re.compile(r"\s*+=+\s*+")
_BARE_VALUE = re.compile(r"[^>\s]*+")
_COMMENT_END = re.compile(r"--\s*+>")
_MARKED_END = re.compile(r"]\s*+]\s*+>")


class Handler(Protocol):
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None: ...
    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None: ...
    def handle_endtag(self, tag: str) -> None: ...
    def handle_data(self, data: str) -> None: ...


class _Finder:
    """``pattern.search(text, pos)`` for growing positions, remembering the last answer.

    The answer found from `pos` (a match, or none at all) is also the answer from any later position up
    to that match's start, so a search that failed, or that found a match far ahead, is never repeated.
    """

    def __init__(self, text: str, pattern: re.Pattern[str]) -> None:
        self.text = text
        self.pattern = pattern
        self.since = len(text) + 1
        self.found: re.Match[str] | None = None

    def search(self, pos: int) -> re.Match[str] | None:
        valid = self.since <= pos and (self.found is None or pos <= self.found.start())
        if not valid:
            self.since = pos
            self.found = self.pattern.search(self.text, pos)
        return self.found


def tokenize(text: str, handler: Handler) -> None:
    """Feed the whole of `text` to `handler`, as ``HTMLParser.feed(text); close()`` would."""
    _Tokenizer(text, handler).run()


class _Tokenizer:
    def __init__(self, text: str, handler: Handler) -> None:
        self.text = text
        self.out = handler
        self.gt = _Finder(text, re.compile(">"))
        self.comment_end = _Finder(text, _COMMENT_END)
        self.marked_end = _Finder(text, _MARKED_END)
        self.quotes = {q: _Finder(text, re.compile(q)) for q in "\"'"}
        self.raw_ends = {
            name: _Finder(text, re.compile(rf"</\s*{name}\s*>", re.IGNORECASE)) for name in RAW_TEXT
        }

    def run(self) -> None:
        text, n, i = self.text, len(self.text), 0
        while i < n:
            j = text.find("<", i)
            if j < 0:
                j = n
            if i < j:
                self.out.handle_data(unescape(text[i:j]))
            if j >= n:
                break
            k = self._markup(j)
            if k < 0:  # markup never finished: what html.parser does at the end of its input
                gt = self.gt.search(j + 1)
                k = gt.end() if gt else (text.find("<", j + 1) if j + 1 < n else -1)
                k = k if k > j else j + 1
                self.out.handle_data(unescape(text[j:k]))
            i = k

    def _markup(self, i: int) -> int:
        """Handle the construct at text[i] == "<"; return the position after it, or -1 if unfinished."""
        text = self.text
        following = text[i + 1 : i + 2]
        if following.isascii() and following.isalpha():
            return self._start_tag(i)
        if following == "/":
            return self._end_tag(i)
        if text.startswith("<!--", i):
            end = self.comment_end.search(i + 4)
            return end.end() if end else -1
        if text.startswith("<![", i):
            end = self.marked_end.search(i + 3) if text.startswith("<![CDATA[", i) else self.gt.search(i + 3)
            return end.end() if end else -1
        if following in ("!", "?"):  # declarations, processing instructions, bogus comments
            gt = self.gt.search(i + 2)
            return gt.end() if gt else -1
        self.out.handle_data("<")
        return i + 1

    def _end_tag(self, i: int) -> int:
        gt = self.gt.search(i + 2)
        if gt is None:
            return -1
        name = _END_TAG_NAME.match(self.text, i + 2, gt.start())
        if name is not None:
            self.out.handle_endtag(name.group(1).lower())
        return gt.end()  # "</>" and "</ 3>" are dropped, as comments

    def _start_tag(self, i: int) -> int:
        text = self.text
        name_match = _TAG_NAME.match(text, i + 1)
        assert name_match is not None  # a letter follows "<"
        tag = name_match.group().lower()
        attrs: list[tuple[str, str | None]] = []
        pos = name_match.end()
        n = len(text)
        while True:
            blanks_start = pos
            pos = _BLANKS.match(text, pos).end()  # type: ignore[union-attr]  # always matches
            if pos >= n:
                return self._unfinished(i)
            if text[pos] == ">":
                self_closing = pos > blanks_start and text[pos - 1] == "/"  # "<br/>", not "<a href=x/>"
                break
            attr = _ATTR_NAME.match(text, pos)
            if attr is None:  # cannot happen: a blank, "/" or ">" was consumed above
                return self._unfinished(i)
            pos = attr.end()
            value: str | None = None
            equals = _EQUALS.match(text, pos)
            if equals is not None:
                pos = equals.end()
                quote = text[pos : pos + 1]
                closing = self.quotes[quote].search(pos + 1) if quote in self.quotes else None
                if closing is not None:
                    value, pos = text[pos + 1 : closing.start()], closing.end()
                else:
                    bare = _BARE_VALUE.match(text, pos)
                    value, pos = bare.group(), bare.end()  # type: ignore[union-attr]  # always matches
                value = unescape(value)
            attrs.append((attr.group().lower(), value))
        end = pos + 1
        if self_closing:
            self.out.handle_startendtag(tag, attrs)
            return end
        self.out.handle_starttag(tag, attrs)
        if tag in RAW_TEXT:
            close = self.raw_ends[tag].search(end)
            if close is None:
                return len(text)  # an unclosed script swallows the rest, as in html.parser
            if close.start() > end:
                self.out.handle_data(text[end : close.start()])
            self.out.handle_endtag(tag)
            return close.end()
        return end

    def _unfinished(self, i: int) -> int:
        """A start tag still open at the end of the input: the rest of the input is text."""
        self.out.handle_data(unescape(self.text[i:]))
        return len(self.text)
