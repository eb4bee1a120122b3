"""What content may put into a link or a URL path: checked at ingest, and again where a
link is made (templates, widget.js, lookup.js), so an index built by other means cannot
slip a `javascript:` link onto a page either.

A browser drops leading and trailing controls and spaces and every tab and newline before it
reads a URL's scheme (` JaVaScRiPt:`, `java\\tscript:` run script), so the scheme is read
after dropping every control character and space: if that reads as http, https, mailto or
tel, the browser cannot read it as anything else."""
from __future__ import annotations

import re

LINK_SCHEMES = ("http", "https", "mailto", "tel")
_DROPPED = re.compile(r"[\x00-\x20\x7f-\x9f\s]+")  # controls and spaces (Unicode ones too)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# Entry and document ids are one URL path segment: letters (Japanese ones too), digits, - _ .
_ID = re.compile(r"[\w.\-]+")


def link_scheme(url: str) -> str | None:
    """The scheme a browser would read from `url`, lower-cased; None for a relative URL."""
    found = _SCHEME.match(_DROPPED.sub("", str(url)))
    return found.group(1).lower() if found else None


def safe_link(url) -> str | None:
    """`url` (trimmed) if it may become a link (http, https, mailto, tel), else None."""
    if not url or not isinstance(url, str) or link_scheme(url) not in LINK_SCHEMES:
        return None
    return url.strip()


def link_problem(url: str) -> str | None:
    """Why `url` from content cannot be a link, or None when it can."""
    if safe_link(url) is None:
        return (f"the URL {url.strip()[:80]!r} is not a web page, mail or phone link: "
                f"it must start with http://, https://, mailto: or tel:")
    if _DROPPED.search(url.strip()):
        return f"the URL {url.strip()[:80]!r} contains a space or a control character"
    return None


def id_problem(value: str, what: str = "id") -> str | None:
    """Why `value` cannot be an entry or document id (it becomes part of a URL), or None."""
    if _ID.fullmatch(value) and ".." not in value:
        return None
    return (f"{what} {value[:80]!r} may hold only letters, digits, '-', '_' and '.' "
            f"(no '/', '..', spaces or control characters)")
