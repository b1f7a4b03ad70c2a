"""How much work checking one file may cost: a bound on its revisions, and a cheap way to count them.

pyHanko's modification analysis compares every revision after a signature with the ones before it, so its cost
grows with the square of the number of incremental updates (1,000 empty updates to a small ruling: seconds of
CPU; 3,000: a minute and a half). A sealed ruling has few revisions — the document, the seal, and for B-LT/B-LTA a
DSS and a document timestamp per renewal — so a file with more than ``MAX_REVISIONS`` is refused before any of
that analysis runs: ``check_sealed_pdf`` counts them with pyHanko's own cross-reference reader, and
``count_revisions`` counts them even more cheaply, without parsing the file, so that a public endpoint can refuse
before it starts a worker at all.
"""

from __future__ import annotations

import re

# seal + DSS + document timestamp (B-LTA) leaves 4 revisions; each archive-timestamp renewal adds 2 more
MAX_REVISIONS = 20

_STARTXREF = re.compile(rb"startxref\s+(\d+)")
_XREF_STREAM_OBJECT = re.compile(rb"\d{1,10}\s{1,64}\d{1,5}\s{1,64}obj\s{0,64}<<")  # bounded: O(1) per try
_PREV = re.compile(rb"/Prev\s+(\d+)")
_DICT_DELIMITER = re.compile(rb"<<|>>")
_LEADING_SPACE = re.compile(rb"[ \t\r\n\f\x00]{0,64}")
_TRAILER_SEARCH = 1 << 22  # a cross-reference table of 200,000 entries; beyond it the walk stops
_DELIMITERS = 1000  # << and >> looked at in one trailer dictionary


def count_revisions(pdf: bytes, stop_after: int = MAX_REVISIONS + 1) -> int:
    """A cheap count of the revisions of ``pdf`` (linear in its size, no PDF parsing), at most ``stop_after``.

    The larger of two counts: the ``%%EOF`` markers (every incremental update ends with one), and the
    cross-reference sections reached from the last ``startxref`` by following ``/Prev`` (which also finds
    sections chained without markers). A file built to be counted low here is still counted by pyHanko's reader
    inside the check, and the check runs under a time limit; this count only spares the common case a worker.
    """
    markers = pdf.count(b"%%EOF")
    if markers >= stop_after:
        return stop_after
    return max(markers, _chained_sections(pdf, stop_after))


def _chained_sections(pdf: bytes, stop_after: int) -> int:
    last = pdf.rfind(b"startxref")
    match = _STARTXREF.match(pdf, last) if last >= 0 else None
    if match is None:
        return 0
    offset: int | None = int(match.group(1))
    seen: set[int] = set()
    while offset is not None and 0 <= offset < len(pdf) and offset not in seen and len(seen) < stop_after:
        seen.add(offset)
        offset = _previous_section(pdf, offset)
    return len(seen)


def _previous_section(pdf: bytes, offset: int) -> int | None:
    """The ``/Prev`` offset of the cross-reference section at ``offset`` (a table or a stream), if any."""
    offset = _LEADING_SPACE.match(pdf, offset).end()  # type: ignore[union-attr]  # matches the empty string
    if pdf.startswith(b"xref", offset):
        trailer = pdf.find(b"trailer", offset, offset + _TRAILER_SEARCH)
        if trailer < 0:
            return None
        start = pdf.find(b"<<", trailer, trailer + _TRAILER_SEARCH)
    else:
        header = _XREF_STREAM_OBJECT.match(pdf, offset)
        if header is None:
            return None
        start = header.end() - 2
    end = _dictionary_end(pdf, start)
    prev = _PREV.search(pdf, start, end) if start >= 0 else None
    return int(prev.group(1)) if prev else None


def _dictionary_end(pdf: bytes, start: int) -> int:
    depth = 0
    for seen, delimiter in enumerate(_DICT_DELIMITER.finditer(pdf, start, start + _TRAILER_SEARCH)):
        if seen >= _DELIMITERS:
            break  # no trailer nests like this: stop here rather than loop over a crafted file
        depth += 1 if delimiter.group() == b"<<" else -1
        if depth == 0:
            return delimiter.end()
    return min(len(pdf), start + _TRAILER_SEARCH)
