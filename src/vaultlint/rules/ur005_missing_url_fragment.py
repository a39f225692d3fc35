"""UR005 missing-url-fragment: the page exists, but has nothing the #fragment points to.

**What it does**: With `check-fragments = true` in the `[urls]` config, a URL written with a `#fragment` (`https://example.com/guide#install`) is checked against the page itself: the fragment must name an element of the page (an `id`, or the `name` of an `<a>`). The page is read once however many fragments point into it, and only so far (2 MB).

**Why it matters**: A browser opens the page at its top when the fragment names nothing, usually because the section was renamed or removed. The link still "works", so nobody notices that it no longer goes where the note said.

**Example**::

    See [installing](https://example.com/guide#instal).

where the page has ``<h2 id="install">`` but nothing named ``instal``.

**How to fix**: Open the page, find the section, and copy its link again (or drop the fragment).

Nothing is reported when the page cannot tell: pages that are not HTML, pages cut off by the size limit, and pages built by script in the browser (their anchors do not exist until a script runs). Line anchors such as `#L10` or `#L10-L20` on code hosting sites, `#top`, and text fragments (`#:~:text=`) are never reported. On GitHub, `#install` finds the heading whose id is `user-content-install`. Pages linked with a fragment are read on every run: the URL cache remembers that a page exists, not what is in it.

External links are only checked when the network may be used: ``--offline``
turns the check off.
"""

from __future__ import annotations

from ..model import Severity
from .base import Rule, Scope

RULE = Rule(
    "UR005",
    "missing-url-fragment",
    Severity.WARNING,
    "the page has no element with the id or name the URL's #fragment names",
    __doc__,
    Scope.URL,
)
