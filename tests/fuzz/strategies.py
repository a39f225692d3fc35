"""Generated Obsidian-flavoured notes and small vaults, for fuzzing vaultlint.

One grammar, two ways to drive it:

* :func:`note_texts` and :func:`vaults` are `hypothesis` strategies (hypothesis
  is imported only when they are called), for property tests that shrink a
  failure to a small example;
* :func:`generate_notes` and :func:`generate_vault` are plain, deterministic
  generators (``random.Random(seed)``), usable without hypothesis: the long
  fuzzing run (``bench/fuzz_long.py``) and differential tests use them.

Every choice goes through a :class:`Source` (``integer(low, high)``), so both
ways produce the same language.  Alternatives are listed simplest first:
hypothesis shrinks integers towards ``low``, so a shrunk failure is made of the
plainest pieces that still fail.

What the notes hold: frontmatter (valid, odd and invalid YAML: anchors and
aliases, YAML 1.1 words, huge numbers, unquoted links, tabs, placeholders,
unclosed blocks), links of every kind (wikilinks and embeds with headings,
block ids and aliases, markdown links and images, autolinks, bare URLs,
malformed URLs), nesting (lists, quotes, callouts), code fences and inline
code, ``%%`` and HTML comments, math, tables, footnotes, block ids, tags,
escapes, and unusual characters (control characters, NEL, line separators,
combining marks, right-to-left text, emoji, CR and CRLF line ends, a BOM).
Vault file names add spaces, NFD accents, emoji, ``#``, ``%``, brackets, long
names, leading dashes and dots, control characters, and bytes that are not
UTF-8 (surrogate-escaped, as ``os.fsdecode`` reads them).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

__all__ = [
    "RandomSource",
    "Source",
    "file_names",
    "generate_notes",
    "generate_vault",
    "make_note",
    "stretched_note",
    "make_vault",
    "note_texts",
    "vaults",
]


class Source(Protocol):
    """Where the choices come from: an integer in ``[low, high]``."""

    def integer(self, low: int, high: int) -> int: ...


class RandomSource:
    """Choices from ``random.Random(seed)``: the same seed gives the same notes."""

    def __init__(self, seed: int | str) -> None:
        self.rng = random.Random(seed)

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)


class _DrawSource:
    """Choices drawn by hypothesis (shrinkable)."""

    def __init__(self, draw: Callable[[Any], Any]) -> None:
        from hypothesis import strategies as st

        self._draw, self._integers = draw, st.integers

    def integer(self, low: int, high: int) -> int:
        return self._draw(self._integers(low, high))


def pick(src: Source, options: Sequence[T]) -> T:
    return options[src.integer(0, len(options) - 1)]


def chance(src: Source, percent: int) -> bool:
    """True in about ``percent`` % of the cases (False is the simpler choice)."""
    return src.integer(0, 99) >= 100 - percent


def some(src: Source, make: Callable[[Source], str], most: int, sep: str = "") -> str:
    return sep.join(make(src) for _ in range(src.integer(0, most)))


# -- words and names --------------------------------------------------------------

#: Link targets; some of them name files that :func:`make_vault` creates.
TARGETS = (
    "Note",
    "Other",
    "Missing",
    "sub/Deep",
    "Café",
    "Cafe\u0301",  # NFD: matches "Café" after NFC normalisation
    "note",
    "With Space",
    "日本語",
    "🎉 party",
    "a.b.c",
    "../Up",
    "/Note",
    "Note.md",
    "image.png",
    "doc.pdf",
    "x#y",
    "trailing\\",
    "",
    " ",
    "ｆｕｌｌ",
    "עברית",
    "Ünïcödé",
    "esc\x1b[2Jclear",
    "osc\x1b]0;title\x07",
)

HEADINGS = ("Heading", "heading", "Sub Heading", "", "#", "H#2", "Émoji 🎉", "a [[b]]", "1. item", "`code`")
BLOCK_IDS = ("abc", "ABC", "a-1", "x_y", "", "not valid!", "0")
WORDS = (
    "word",
    "the",
    "Obsidian",
    "naïve",
    "x",
    "12",
    "日本",
    "🎉",
    "a_b",
    "a*b",
    "\u200b",  # zero width space
    "\u202eevil",  # right-to-left override
    "e\u0301",  # combining accent
    "\t",
    "\x1b[31m",  # ANSI escape
    "\x1b]0;title\x07",  # OSC window title
    "\x7f",
    "\x85",  # NEL
    "\u2028",  # line separator
    "\x0b",
    "\x0c",
    "&amp;",
    "&#0;",
    "\\",
    "\\[[",
    "[",
    "]]",
    "|",
    "<",
    ">",
    "`",
    "$",
    "%",
    "#",
    "^",
    "*",
    "_",
    "~~",
    "==",
)
URLS = (
    "https://example.com",
    "https://example.com/path?q=1&r=2#frag",
    "http://example.org/a_(b)",
    "https://exa mple.com",
    "http://[::1",
    "https://",
    "https://xn--caf-dma.example/é",
    "mailto:someone@example.com",
    "ftp://example.com/file",
    "www.example.com/page",
    "https://example.com/" + "a" * 300,
    "javascript:alert(1)",
    "http://localhost:8080/x",
    "https://user:pass@example.com:99999/",
)


def word(src: Source) -> str:
    return pick(src, WORDS)


def target(src: Source) -> str:
    return pick(src, TARGETS)


def subpath(src: Source) -> str:
    kind = src.integer(0, 4)
    if kind == 0:
        return ""
    if kind == 1:
        return "#" + pick(src, HEADINGS)
    if kind == 2:
        return "#^" + pick(src, BLOCK_IDS)
    if kind == 3:
        return "#" + pick(src, HEADINGS) + "#" + pick(src, HEADINGS)
    return "#"


# -- inline ---------------------------------------------------------------------------


def wikilink(src: Source) -> str:
    embed = "!" if chance(src, 30) else ""
    inner = target(src) + subpath(src)
    if chance(src, 30):
        inner += pick(src, ("|alias", "|", "\\|escaped alias", "|300", "|a|b", "|[[x]]"))
    close = "]]" if chance(src, 95) else pick(src, ("]", "", "]]]"))
    return f"{embed}[[{inner}{close}"


def markdown_link(src: Source) -> str:
    image = "!" if chance(src, 25) else ""
    text = pick(src, ("text", "", "a [[b]] c", "`code`", "![img](x.png)", "[nested]"))
    dest = pick(
        src,
        (
            "Note.md",
            "Other",
            "Missing.md",
            "With%20Space.md",
            "<With Space.md>",
            "With Space.md",
            "sub/Deep.md",
            "../Up.md",
            "#Heading",
            "Note.md#Sub%20Heading",
            "Note.md#^abc",
            "image.png",
            "",
            "https://example.com",
            "Caf%C3%A9.md",
            "%E0%A4%A.md",
            "a(b).md",
            "<>",
        ),
    )
    title = pick(src, ("", ' "title"', " 'title'", " (title)"))
    return f"{image}[{text}]({dest}{title})"


def inline(src: Source) -> str:
    kind = src.integer(0, 15)
    if kind <= 2:
        return word(src)
    if kind == 3:
        return wikilink(src)
    if kind == 4:
        return markdown_link(src)
    if kind == 5:
        return pick(src, URLS)
    if kind == 6:
        return f"<{pick(src, URLS)}>"
    if kind == 7:
        return "#" + pick(src, ("tag", "Tag", "a/b", "123", "a-b_c", "日本", "🎉", "", "#", "tag.", "y2024"))
    if kind == 8:
        ticks = pick(src, ("`", "``", "```"))
        return f"{ticks}{some(src, inline, 3, ' ')}{ticks if chance(src, 90) else ''}"
    if kind == 9:
        close = "%%" if chance(src, 85) else ""
        return f"%% {some(src, inline, 3, ' ')} {close}"
    if kind == 10:
        return f"<!-- {some(src, inline, 3, ' ')} -->"
    if kind == 11:
        return "$" + pick(src, ("x^2", "[[not a link]]", "\\$", "")) + "$"
    if kind == 12:
        return pick(src, ("*", "**", "_", "==", "~~")) + word(src) + pick(src, ("*", "**", "_", "==", "~~", ""))
    if kind == 13:
        return pick(src, ("[^1]", "[^note]", "^[inline footnote [[Note]]]", "[ref]", "[ref][]"))
    if kind == 14:
        return "^" + pick(src, BLOCK_IDS)
    return pick(src, ("\\", "  \n", "&nbsp;", "<span>[[Note]]</span>", "<br>", "\\#notatag", "\\[[Note]]"))


def line_of_inline(src: Source, most: int = 6) -> str:
    return " ".join(inline(src) for _ in range(src.integer(1, most)))


# -- blocks ---------------------------------------------------------------------------


def heading(src: Source) -> str:
    if chance(src, 15):
        return f"{line_of_inline(src, 3)}\n{pick(src, ('===', '---'))}"
    return "#" * src.integer(1, 7) + pick(src, (" ", "", "  ")) + line_of_inline(src, 3)


def list_block(src: Source, depth: int) -> str:
    lines = []
    indent_unit = pick(src, ("  ", "    ", "\t", "   "))
    level = 0
    for _ in range(src.integer(1, 6)):
        marker = pick(src, ("-", "*", "+", "1.", "2)", "- [ ]", "- [x]", "- [?]"))
        lines.append(indent_unit * level + f"{marker} {line_of_inline(src, 3)}")
        level = max(0, min(depth + 3, level + src.integer(-1, 1)))
    return "\n".join(lines)


def quote_block(src: Source, depth: int) -> str:
    prefix = pick(src, (">", "> ", ">>", "> > ", ">" * (depth + 2)))
    first = ""
    if chance(src, 40):  # a callout
        first = f"{prefix}[!{pick(src, ('note', 'tip', 'WARNING', 'x'))}]{pick(src, ('', '-', '+'))} {line_of_inline(src, 2)}\n"
    inner = block(src, depth + 1) if depth < 3 else line_of_inline(src)
    return first + "\n".join(f"{prefix}{line}" for line in inner.split("\n"))


def code_block(src: Source) -> str:
    fence = pick(src, ("```", "~~~", "````", "    "))
    body = "\n".join(line_of_inline(src, 3) for _ in range(src.integer(0, 3)))
    if fence == "    ":
        return "\n".join("    " + line for line in (body or "code").split("\n"))
    info = pick(src, ("", "python", "dataview", "query", "mermaid", "```"))
    close = fence if chance(src, 85) else ""
    return f"{fence}{info}\n{body}\n{close}"


def table_block(src: Source) -> str:
    columns = src.integer(1, 4)
    rows = [
        "| "
        + " | ".join(pick(src, ("a", "[[Note\\|alias]]", "[[Note|alias]]", "`x|y`", "")) for _ in range(columns))
        + " |"
        for _ in range(src.integer(0, 3))
    ]
    header = "| " + " | ".join("h" for _ in range(columns)) + " |"
    rule = "|" + "|".join(pick(src, ("---", ":--", "--:", ":-:", "-")) for _ in range(columns)) + "|"
    return "\n".join([header, rule, *rows])


def block(src: Source, depth: int = 0) -> str:
    kind = src.integer(0, 13)
    if kind <= 3:
        return "\n".join(line_of_inline(src) for _ in range(src.integer(1, 3)))
    if kind == 4:
        return heading(src)
    if kind == 5:
        return list_block(src, depth)
    if kind == 6:
        return quote_block(src, depth)
    if kind == 7:
        return code_block(src)
    if kind == 8:
        close = "%%" if chance(src, 85) else ""
        return f"%%\n{some(src, line_of_inline, 3, chr(10))}\n{close}"
    if kind == 9:
        return "$$\n" + pick(src, ("x^2", "[[Note]]", "\\begin{x}")) + "\n$$"
    if kind == 10:
        return table_block(src)
    if kind == 11:
        return pick(src, ("---", "***", "___", "- - -"))
    if kind == 12:
        return pick(src, ("[^1]: footnote [[Note]]", "[ref]: Note.md", "[ref]: <Missing.md> 'title'", "^abc"))
    return pick(src, ("<div>\n[[Note]]\n</div>", "<details><summary>x</summary>\n\n[[Note]]\n</details>"))


# -- frontmatter -------------------------------------------------------------------------


def yaml_value(src: Source) -> str:
    return pick(
        src,
        (
            "x",
            "",
            "'[[Note]]'",
            '"[[Note#Heading|alias]]"',
            "[[Note]]",  # unquoted: a nested list (FM006)
            "[a, b]",
            "[a b, 2024, '#x']",
            "a, b, c",
            "yes",
            "no",
            "on",
            "2024-01-31",
            "2024-13-45",
            "2024-01-31T09:30",
            "1",
            "-1.5e3",
            ".inf",
            ".NaN",
            "0x1F",
            "0o17",
            "1" * 5000,
            "0" * 5000 + "7",
            "true",
            "null",
            "~",
            "#comment",
            "{{date}}",
            "<% tp.file.title %>",
            "https://example.com",
            '"https://example.com/x y"',
            "&a anchored",
            "*a",
            "&b [x, y]",
            "*b",
            "!!binary aGVsbG8=",
            "!custom x",
            "!!python/object:os.system x",
            "{a: 1, b: [2, 3]}",
            "|\n  literal [[Note]]\n  text",
            ">-\n  folded",
            "'unclosed",
            '"bad \\q escape"',
            "a: b",
            "\t tab",
            "\u00e9t\u00e9",
            "\x1b[2J",
            "[[a]], [[b]]",
        ),
    )


def yaml_line(src: Source) -> str:
    key = pick(
        src,
        (
            "title",
            "tags",
            "aliases",
            "tag",
            "alias",
            "cssclass",
            "cssclasses",
            "up",
            "related",
            "date",
            "Tags",
            "count",
            "done",
            "<<",
            "? complex",
            "日本",
            "",
            "- item",
            "key with space",
            '"quoted key"',
        ),
    )
    if key in ("tags", "aliases", "related") and chance(src, 50):
        items = "\n".join(f"  - {yaml_value(src)}" for _ in range(src.integer(0, 4)))
        return f"{key}:\n{items}"
    if chance(src, 10):
        return f"{key}:\n  nested: {yaml_value(src)}\n  other: {yaml_value(src)}"
    return f"{key}: {yaml_value(src)}"


def frontmatter(src: Source) -> str:
    body = "\n".join(yaml_line(src) for _ in range(src.integer(0, 6)))
    closing = pick(src, ("---", "---", "---", "--- trailing", "----", "...", ""))
    opening = pick(src, ("---", "---", "---", "--- ", "---\t"))
    return f"{opening}\n{body}\n{closing}\n" if closing else f"{opening}\n{body}\n"


# -- notes and vaults -----------------------------------------------------------------------


def make_note(src: Source, most_blocks: int = 8) -> str:
    """One note's text (``str``; written as UTF-8 it is valid UTF-8)."""
    parts = []
    if chance(src, 60):
        parts.append(frontmatter(src))
    blocks = [block(src) for _ in range(src.integer(0, most_blocks))]
    parts.append(pick(src, ("\n\n", "\n", "\n\n\n")).join(blocks))
    text = "".join(parts)
    if chance(src, 10):
        text = text.replace("\n", pick(src, ("\r\n", "\r")))
    if chance(src, 5):
        text = "\ufeff" + text
    if chance(src, 20):
        text += "\n"
    return text


def file_names(src: Source) -> str:
    """A note's file name (without folder), odd more often than not."""
    stem = pick(
        src,
        (
            "Note",
            "Other",
            "Café",
            "Cafe\u0301",
            "note",
            "With Space",
            "日本語",
            "🎉 party",
            "a.b.c",
            "x#y",
            "100%",
            "[bracket]",
            "-leading dash",
            "ends with dot.",
            "ｆｕｌｌ",
            "n" * 200,
            "tab\there",
            "esc\x1b[31mred",
            "new\nline",
            "back\\slash",
            "a|b",
            "Ünïcödé",
            "'quote\"",
            "latin-1 caf\udce9",  # the byte 0xE9 (not UTF-8), as os.fsdecode gives it
        ),
    )
    return stem + pick(src, (".md", ".md", ".md", ".MD", ".png", ".pdf", ".md.md", ".canvas"))


#: Binary stand-ins for attachments (a 1x1 PNG header; a PDF header).
ATTACHMENT_BYTES = {".png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ".pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"}


def make_vault(src: Source, most_notes: int = 6, most_blocks: int = 8) -> dict[str, str | bytes]:
    """A small vault: vault path -> content.  Always holds ``Note.md`` and ``sub/Deep.md``,
    so that some links resolve; sometimes ``.obsidian/types.json``; the ``.obsidian/``
    folder itself is the caller's."""
    files: dict[str, str | bytes] = {
        "Note.md": make_note(src, most_blocks),
        "sub/Deep.md": make_note(src, most_blocks),
    }
    if chance(src, 50):  # property types, so that FM007 has something to check
        kinds = ("text", "multitext", "number", "checkbox", "date", "datetime", "tags", "aliases", "unknown")
        types = {key: pick(src, kinds) for key in ("title", "date", "count", "done", "up", "related", "tags")}
        files[".obsidian/types.json"] = json.dumps({"types": types})
    taken = {name.lower() for name in files}
    for index in range(src.integer(0, most_notes)):
        folder = pick(src, ("", "", "sub/", "Folder With Space/", "日本/", "a/b/c/"))
        name = folder + file_names(src)
        if name.lower() in taken:  # case-insensitive file systems would merge them
            stem, dot, suffix = name.rpartition(".")
            name = f"{stem} {index}{dot}{suffix}"
            if name.lower() in taken:
                continue
        taken.add(name.lower())
        suffix = name[name.rfind(".") :].lower()
        if suffix in ATTACHMENT_BYTES:
            files[name] = ATTACHMENT_BYTES[suffix]
        elif suffix == ".md" and chance(src, 5):
            files[name] = pick(src, (b"caf\xe9 latin-1", b"PK\x03\x04\x00binary", b""))
        else:
            files[name] = make_note(src, most_blocks)
    return files


def stretched_note(src: Source, size: int) -> str:
    """A note of about ``size`` characters: one generated piece repeated, the way a
    quadratic scan shows itself (``[`` 60,000 times took 51 s)."""
    kind = src.integer(0, 3)
    piece = (
        inline(src)
        if kind == 0
        else pick(src, ("[", "[[", "![", "<", "`", "*", "_", "%%", "$", "#", "> ", "- ", "|", "\\", "![[", "]("))
        if kind == 1
        else block(src)
        if kind == 2
        else line_of_inline(src)
    )
    separator = pick(src, ("", " ", "\n", "\n\n"))
    unit = piece + separator
    return unit * max(1, size // max(1, len(unit)))


# -- plain generators (no hypothesis) ------------------------------------------------------


def generate_notes(seed: int | str, count: int, most_blocks: int = 8) -> Iterator[str]:
    """``count`` note texts, the same for the same seed."""
    src = RandomSource(seed)
    for _ in range(count):
        yield make_note(src, most_blocks)


def generate_vault(seed: int | str, most_notes: int = 6, most_blocks: int = 8) -> dict[str, str | bytes]:
    """One small vault (vault path -> content), the same for the same seed."""
    return make_vault(RandomSource(seed), most_notes, most_blocks)


# -- hypothesis strategies ---------------------------------------------------------------------


def note_texts(most_blocks: int = 8):
    """A hypothesis strategy of note texts."""
    from hypothesis import strategies as st

    @st.composite
    def notes(draw: Callable[[Any], Any]) -> str:
        return make_note(_DrawSource(draw), most_blocks)

    return notes()


def vaults(most_notes: int = 6, most_blocks: int = 8):
    """A hypothesis strategy of small vaults (vault path -> content)."""
    from hypothesis import strategies as st

    @st.composite
    def build(draw: Callable[[Any], Any]) -> dict[str, str | bytes]:
        return make_vault(_DrawSource(draw), most_notes, most_blocks)

    return build()
