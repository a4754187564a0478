"""How many values a JSON document holds, told before it is parsed.

Parsing builds a Python object for every value: a few MB of tiny values (``[0,0,0,…]``,
``[{},{},…]``) become millions of objects and GB of memory. Every value but a container's
first is preceded by a comma, and every member of an object by a colon, so the commas and
colons outside text bound the values; an import refuses a file with more than it can hold
before reading it (the KPI exchange, shared criteria).
"""

from __future__ import annotations

import re

#: Text in a JSON document (a string with its escapes). A string the file never closes runs
#: to its end: without that, each quote inside it would start another search to the end of
#: the file (a few MB of ``\\"`` took minutes).
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+(?:"|\\?\Z)', re.DOTALL)


def separators(content: bytes, limit: int) -> int:
    """Commas and colons outside text in ``content`` (UTF-8 JSON).

    Counted exactly only when the quick count (text included) exceeds ``limit``, so a file
    within it costs two passes of ``bytes.count``; commas inside text never count against
    the limit.
    """
    quick = content.count(b",") + content.count(b":")
    if quick <= limit:
        return quick
    bare = _STRING.sub(b"", content)
    return bare.count(b",") + bare.count(b":")
