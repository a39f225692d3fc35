#!/usr/bin/env python3
"""Generate a deterministic synthetic Obsidian vault for vaultlint's benchmarks.

    python bench/generate_vault.py OUT_DIR --notes 20000 --seed 1

The vault imitates a large personal knowledge base: nested folders (depth up to
4), duplicate file names in different folders, a ``.obsidian/`` folder,
frontmatter on about 85 % of the notes, and a realistic mix of paragraphs,
headings, wikilinks (aliases, ``#Heading`` and ``#^blockid`` subpaths), embeds of
attachments that exist, markdown links, tags, block ids, code blocks with fake
links inside, callouts, tables, lists, math and external URLs (only on the
reserved ``.invalid`` TLD, so nothing can ever be fetched).

A few percent of the internal links are broken on purpose. Every broken link is
written down in ``OUT_DIR/.bench-truth.json`` (counts by rule code and kind, and
the exact file, line and column of each one), so a benchmark run can also check
that vaultlint found what it should: a fast linter that misses problems is not
a fast linter.

Every valid link is made valid by construction: the generator resolves bare
names with Obsidian's algorithm (OBSIDIAN.md section 2.1) and writes a vault
path instead whenever a bare name would be ambiguous or would reach a different
note. So the only LK001-LK004 problems in the vault are the ones in the truth
file, and no LK005 (ambiguous link) is produced.

The same ``--notes`` and ``--seed`` always give byte-identical output (no set
iteration, no hash(), no clock), so timings from different days are comparable.

Standard library only.
"""

from __future__ import annotations

import argparse
import datetime
import json
import posixpath
import random
import re
import shutil
import sys
import unicodedata
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# Bump when the output for a given (notes, seed) changes, so cached vaults in
# bench/.scratch/ are regenerated instead of silently reused.
GENERATOR_VERSION = 1
TRUTH_FILE = ".bench-truth.json"

# --------------------------------------------------------------------------
# Vocabulary. A fixed, inline list keeps the output independent of the machine.
# --------------------------------------------------------------------------

WORDS = """
the of and to in is that for it as with was on be by this are or from at an
which have not but all were can their has more one also other when there been
its into only some time these would two may first any new like then them such
about than over most after where could very even through well because much
between many those both each under same while during without again however
system data model process network memory cache index query graph note link
vault folder file heading block table list code value change result design
method theory practice example problem solution question answer idea concept
pattern structure function variable module package library server client request
response error warning signal channel stream buffer queue thread worker task
project area resource archive review summary draft outline reference source
paper book article chapter author reader writer editor language grammar syntax
parser token lexer compiler runtime kernel driver device storage disk sector
protocol packet router switch firewall proxy certificate key secret hash cipher
learning training inference feature vector matrix tensor gradient loss metric
market price demand supply economy policy strategy decision risk trade budget
history culture society community people team meeting agenda goal habit health
sleep exercise nutrition journal reflection insight memory attention focus
energy light sound color shape space motion force field wave particle atom cell
gene protein organism species forest river mountain ocean climate weather season
garden kitchen recipe coffee music film travel city street bridge tower station
""".split()

# Words that make plausible note and folder titles.
TITLE_WORDS = """
Distributed Systems Cache Invalidation Graph Theory Linear Algebra Category Type
Inference Garbage Collection Consensus Protocol Event Sourcing Domain Design Data
Pipeline Stream Processing Query Planner Index Structure Memory Model Concurrency
Control Network Security Threat Modeling Incident Response Product Strategy User
Research Habit Tracking Sleep Hygiene Deep Work Spaced Repetition Note Taking
Knowledge Management Reading Notes Book Summary Paper Review Lecture Seminar Course
Project Plan Roadmap Retrospective Postmortem Experiment Hypothesis Evidence
Argument Counterpoint Principle Heuristic Framework Checklist Template Workflow
Garden Recipe Travel Journal Fitness Nutrition Finance Budget Investing Career
Interview Hiring Onboarding Mentoring Leadership Writing Editing Publishing
Photography Music Theory Harmony Rhythm Painting Drawing Sketch History Philosophy
Ethics Logic Epistemology Language Grammar Compiler Interpreter Runtime Kernel
Scheduler Allocator Filesystem Database Transaction Replication Sharding Caching
Search Ranking Embedding Attention Transformer Tokenizer Gradient Optimizer
Regularization Evaluation Benchmark Profiling Tracing Logging Monitoring Alerting
""".split()

# Non-ASCII words: real vaults have accented, Greek, CJK and emoji file names.
INTL_WORDS = [
    "Café",
    "Über",
    "Naïve",
    "Ørsted",
    "Façade",
    "Résumé",
    "Español",
    "Ελληνικά",
    "Москва",
    "日本語",
    "メモ",
    "笔记",
    "한국어",
    "🗂️",
    "📚",
    "🌱",
]

# Names that real vaults repeat in many folders (every project has an Overview).
DUPLICATE_NAMES = [
    "Overview",
    "Index",
    "Ideas",
    "Meeting Notes",
    "Reading List",
    "Todo",
    "Summary",
    "Questions",
    "References",
    "Log",
    "README",
    "Inbox",
    "Scratch",
    "Glossary",
]

TOP_FOLDERS = [
    "Projects",
    "Areas",
    "Resources",
    "Archive",
    "People",
    "Zettelkasten",
    "Meetings",
    "Reading",
    "Inbox",
    "Daily",
]

CALLOUT_KINDS = ["note", "tip", "warning", "info", "question", "example", "quote", "abstract", "todo", "important"]

URL_HOSTS = [
    "example.invalid",
    "docs.example.invalid",
    "wiki.example.invalid",
    "blog.example.invalid",
    "papers.example.invalid",
    "git.example.invalid",
]

CODE_LANGS = ["python", "bash", "js", "dataview", "text", "yaml", "sql", ""]

ATTACHMENT_EXTS = ["png", "png", "png", "jpg", "webp", "svg", "pdf"]

# Probability that a link of a given kind is written broken on purpose. Chosen
# so that about 3 % of all internal links are broken ("a few percent").
P_BROKEN = {
    "wikilink": 0.025,
    "heading": 0.06,
    "block": 0.06,
    "embed": 0.04,
    "markdown": 0.03,
    "property": 0.03,
}

# Placeholder bytes for attachments: only the file's existence matters to a
# linter, but a real signature keeps image viewers from complaining.
PLACEHOLDER = {
    "png": b"\x89PNG\r\n\x1a\n" + b"\0" * 24,
    "jpg": b"\xff\xd8\xff\xe0" + b"\0" * 24,
    "webp": b"RIFF\0\0\0\0WEBPVP8 " + b"\0" * 16,
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n',
    "pdf": b"%PDF-1.4\n%%EOF\n",
}

# --------------------------------------------------------------------------
# Obsidian helpers (OBSIDIAN.md sections 2.1 and 4)
# --------------------------------------------------------------------------

_STRIP_HEADING = re.compile(r"[!\"#$%&()*+,.:;<=>?@^`{|}~/\[\]\\\r\n]")


def heading_key(text: str) -> str:
    """Obsidian's stripHeading + lower(): how a heading subpath is matched."""
    return " ".join(_STRIP_HEADING.sub(" ", text).split()).lower()


def heading_link_text(text: str) -> str:
    """What a person (or Obsidian's autocomplete) writes after ``#``.

    Obsidian's stripHeadingForLink replaces ``: # | ^ \\``; people also drop the
    backticks and question marks. All of these normalise away in matching.
    """
    return " ".join(re.sub(r"[:#|^\\`?]", " ", text).split())


def name_key(name: str) -> str:
    """Lookup key of Obsidian's file-name multimap: NFC, lower-cased."""
    return unicodedata.normalize("NFC", name).lower()


# --------------------------------------------------------------------------
# The plan: what exists, decided before any text is written, so that every
# link can point at a heading or block id that really exists.
# --------------------------------------------------------------------------


@dataclass
class Heading:
    level: int
    text: str  # as written after the #s
    link_text: str  # as written after [[Note#

    @property
    def anchor_safe(self) -> bool:
        # Only plain headings are used as %20-encoded markdown-link fragments.
        return re.fullmatch(r"[A-Za-z0-9 ]+", self.text) is not None


@dataclass
class Block:
    kind: str  # para, list, task, code, callout, table, quote, math, comment, hr
    block_id: str | None = None  # ^id carried by this block (para/list/table)


@dataclass
class Section:
    heading: Heading | None
    blocks: list[Block]


@dataclass
class NotePlan:
    index: int
    name: str
    folder: str  # vault-relative, "/"-separated, "" for the root
    daily: bool = False
    title_heading: bool = False
    frontmatter: bool = True
    sections: list[Section] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"{self.folder}/{self.name}.md" if self.folder else f"{self.name}.md"

    @property
    def headings(self) -> list[Heading]:
        return [s.heading for s in self.sections if s.heading is not None]

    @property
    def block_ids(self) -> list[str]:
        return [b.block_id for s in self.sections for b in s.blocks if b.block_id]


@dataclass
class Attachment:
    name: str  # with extension
    folder: str

    @property
    def path(self) -> str:
        return f"{self.folder}/{self.name}" if self.folder else self.name


@dataclass
class Broken:
    code: str  # LK001..LK004
    kind: str
    path: str
    literal: str  # the exact link text written, unique in the vault
    target: str
    line: int = 0
    column: int = 0


# --------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------


class VaultGenerator:
    def __init__(self, notes: int, seed: int) -> None:
        self.n_notes = notes
        self.seed = seed
        self.rng = random.Random(seed)
        self.folders: list[str] = []
        self.notes: list[NotePlan] = []
        self.attachments: list[Attachment] = []
        # Obsidian's lookup: lower-cased file name (with extension) -> files.
        self.by_name: dict[str, list[str]] = {}
        self.hubs: list[NotePlan] = []
        self.people: list[NotePlan] = []
        self.tags: list[str] = []
        self.broken: list[Broken] = []
        self.counts: dict[str, int] = {}
        self._serial = 0  # makes every broken/fake target unique and findable

    # ---- small helpers -------------------------------------------------

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def serial(self) -> int:
        self._serial += 1
        return self._serial

    def words(self, n: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(n))

    def title(self, n_words: int) -> str:
        parts = [self.rng.choice(TITLE_WORDS) for _ in range(n_words)]
        if n_words >= 3 and self.rng.random() < 0.3:
            parts[1] = self.rng.choice(["of", "and", "for", "in", "vs"])
        if self.rng.random() < 0.02:
            parts.insert(self.rng.randrange(len(parts) + 1), self.rng.choice(INTL_WORDS))
        if self.rng.random() < 0.02:
            parts.append(f"{self.rng.randint(1, 9)}.{self.rng.randint(0, 12)}")  # "v1.2 notes"
        return unicodedata.normalize("NFC", " ".join(parts))

    def block_id(self, taken: set[str]) -> str:
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        while True:
            bid = "".join(self.rng.choice(alphabet) for _ in range(6))
            if not bid.isdigit() and bid not in taken:
                taken.add(bid)
                return bid

    # ---- phase 1: folders, names, attachments, structure ---------------

    def plan_folders(self) -> None:
        self.folders = list(TOP_FOLDERS)
        children: dict[str, list[str]] = {f: [] for f in self.folders}
        children[""] = list(TOP_FOLDERS)
        target = max(12, self.n_notes // 45)
        attempts = 0
        while len(self.folders) < target and attempts < target * 50:
            attempts += 1
            parent = self.rng.choice(self.folders)
            if parent == "Daily" or parent.startswith("Daily/") or parent.count("/") >= 3:
                continue  # depth <= 4; the Daily tree is built by year below
            name = self.title(self.rng.choice([1, 1, 2]))
            # Sibling folder names are kept prefix-free (case-insensitively):
            # Obsidian's same-folder preference is a plain string prefix test,
            # so "Proj" would also claim "Project X/" (OBSIDIAN.md 2.1 step 7).
            low = name.lower()
            if any(s.lower().startswith(low) or low.startswith(s.lower()) for s in children[parent]):
                continue
            path = f"{parent}/{name}"
            children[parent].append(name)
            children[path] = []
            self.folders.append(path)
        for year in ("2022", "2023", "2024"):
            self.folders.append(f"Daily/{year}")

    def add_name(self, key: str, path: str) -> None:
        self.by_name.setdefault(key, []).append(path)

    def plan_notes(self) -> None:
        rng = self.rng
        used_in_folder: set[tuple[str, str]] = set()
        general_folders = [f for f in self.folders if not f.startswith("Daily")]
        # Daily notes (8 %): real dates, one file per day, in Daily/<year>/.
        n_daily = min(self.n_notes * 8 // 100, 3 * 365)
        days = sorted(rng.sample(range(3 * 365), n_daily))
        for i in range(self.n_notes):
            if i < n_daily:
                day = datetime.date(2022, 1, 1) + datetime.timedelta(days=days[i])
                note = NotePlan(i, day.isoformat(), f"Daily/{day.year}", daily=True)
            else:
                folder = rng.choice(general_folders) if rng.random() < 0.93 else ""
                r = rng.random()
                if r < 0.035:
                    name = rng.choice(DUPLICATE_NAMES)  # duplicated on purpose
                elif r < 0.045:
                    name = rng.choice(self.notes).name  # an accidental duplicate
                else:
                    name = self.title(rng.choice([1, 2, 2, 3, 3, 4]))
                    if name_key(name + ".md") in self.by_name:
                        name = f"{name} {rng.randint(2, 99)}"
                # Two notes of the same name never share a folder (and keep
                # unplanned duplicates rare: retry with a numbered name).
                while (folder, name_key(name)) in used_in_folder or (
                    name_key(name + ".md") in self.by_name and r >= 0.045
                ):
                    name = f"{self.title(2)} {rng.randint(100, 99999)}"
                note = NotePlan(i, name, folder)
            used_in_folder.add((note.folder, name_key(note.name)))
            self.add_name(name_key(note.name + ".md"), note.path)
            self.notes.append(note)
        # Hubs (maps of content) attract many links; daily notes are not hubs.
        regular = self.notes[n_daily:]
        self.hubs = regular[:: max(1, len(regular) // 300)]
        self.people = [n for n in regular if n.folder.startswith("People")] or self.hubs

    def plan_attachments(self) -> None:
        rng = self.rng
        # A root attachment folder plus a few per-project "assets" folders
        # (only under folders shallow enough to keep the depth at 4).
        shallow = [f for f in self.folders[10:] if f.count("/") <= 2 and not f.startswith("Daily")][:30:3]
        folders = ["Attachments"] + [f + "/assets" for f in shallow]
        for i in range(max(10, self.n_notes // 5)):
            ext = rng.choice(ATTACHMENT_EXTS)
            style = rng.random()
            if style < 0.5:
                stem = f"Pasted image 2023{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{i:06d}"
            elif style < 0.8:
                stem = f"{self.title(2).lower().replace(' ', '-')}-{i}"
            else:
                stem = f"{self.title(rng.choice([2, 3]))} {i}"
            att = Attachment(f"{stem}.{ext}", rng.choice(folders))
            self.attachments.append(att)
            self.add_name(name_key(att.name), att.path)

    def plan_structure(self, note: NotePlan) -> None:
        """Headings and block ids of a note, before any text is written."""
        rng = self.rng
        note.frontmatter = rng.random() < 0.85
        note.title_heading = not note.daily and rng.random() < 0.5
        r = rng.random()
        if note.daily:
            n_sections = rng.choice([1, 2, 2, 3])
        elif r < 0.40:
            n_sections = 1
        elif r < 0.85:
            n_sections = rng.randint(2, 4)
        else:
            n_sections = rng.randint(5, 10)
        seen: set[str] = set()
        ids: set[str] = set()
        if note.title_heading:
            seen.add(heading_key(note.name))
        level = 2
        for s in range(n_sections):
            heading = None
            if s > 0 or (n_sections > 1 and rng.random() < 0.3):
                for _ in range(10):
                    text = self.heading_text()
                    if heading_key(text) and heading_key(text) not in seen:
                        seen.add(heading_key(text))
                        level = 2 if level == 3 or rng.random() < 0.6 else 3
                        heading = Heading(level, text, heading_link_text(text))
                        break
            blocks: list[Block] = []
            for _ in range(rng.choice([1, 1, 1, 2, 2])):
                kind = rng.choices(
                    ["para", "list", "task", "code", "callout", "table", "quote", "math", "comment"],
                    weights=[55, 14, 4, 6, 6, 4, 4, 2, 1],
                )[0]
                block = Block(kind)
                if kind in ("para", "list") and rng.random() < 0.18:
                    block.block_id = self.block_id(ids)
                elif kind == "table" and rng.random() < 0.2:
                    block.block_id = "tbl-" + self.block_id(ids)
                blocks.append(block)
            if blocks[0].kind != "para":
                blocks.insert(0, Block("para"))
            note.sections.append(Section(heading, blocks))
        if rng.random() < 0.01 and note.frontmatter:
            note.sections = []  # a stub: frontmatter only

    def heading_text(self) -> str:
        rng = self.rng
        r = rng.random()
        text = self.title(rng.choice([1, 2, 2, 3, 4]))
        if r < 0.08:
            text = f"What is {text}?"
        elif r < 0.13:
            text = f"Step {rng.randint(1, 9)}: {text}"
        elif r < 0.17:
            text = f"The `{rng.choice(WORDS)}` {text}"
        return text

    # ---- link targets and link text -----------------------------------

    def resolve_bare(self, name: str, source_folder: str, with_slash: bool) -> tuple[str | None, bool]:
        """Obsidian's resolution of a bare ``[[name]]`` (OBSIDIAN.md 2.1).

        Returns (path, ambiguous). Only the steps a bare name can reach are
        needed: single candidate, exact vault path (a root file), suffix match
        with the same-folder group first and the shortest path winning.
        """
        cands = self.by_name.get(name_key(name + ".md"), [])
        if not cands:
            return None, False
        if len(cands) == 1:
            return cands[0], False
        for c in cands:
            if c.lower() == name_key(name + ".md"):
                return c, False
        prefix = (source_folder + "/" if with_slash else source_folder).lower()
        same = sorted((c for c in cands if c.lower().startswith(prefix)), key=len)
        rest = sorted((c for c in cands if not c.lower().startswith(prefix)), key=len)
        group = same or rest
        return group[0], len(group) > 1 and len(group[0]) == len(group[1])

    def link_path(self, target: NotePlan, source: NotePlan) -> str:
        """The shortest link path that reaches ``target`` from ``source``."""
        a = self.resolve_bare(target.name, source.folder, True)
        b = self.resolve_bare(target.name, source.folder, False)
        if a == b and a[0] == target.path and not a[1]:
            return target.name
        return target.path[:-3]  # the vault path: step 5, exact and unambiguous

    def pick_target(self, source: NotePlan) -> NotePlan:
        # Links follow a heavy tail: a few hub notes (MOCs) get many of them.
        if self.rng.random() < 0.3:
            return self.rng.choice(self.hubs)
        t = self.rng.choice(self.notes)
        return t if t is not source else self.rng.choice(self.notes)

    def missing_name(self) -> str:
        return f"{self.title(2)} Missing {self.serial()}"

    def broken_link(self, code: str, kind: str, note: NotePlan, literal: str, target: str) -> str:
        self.broken.append(Broken(code, kind, note.path, literal, target))
        self.count("broken_links")
        return literal

    # ---- inline elements ---------------------------------------------

    def wikilink(self, note: NotePlan) -> str:
        rng = self.rng
        self.count("wikilinks")
        if rng.random() < P_BROKEN["wikilink"]:
            name = self.missing_name()
            return self.broken_link("LK001", "wikilink", note, f"[[{name}]]", name)
        path = self.link_path(self.pick_target(note), note)
        if rng.random() < 0.2:
            self.count("wikilinks_alias")
            return f"[[{path}|{self.words(rng.randint(1, 3))}]]"
        return f"[[{path}]]"

    def heading_link(self, note: NotePlan) -> str:
        rng = self.rng
        self.count("heading_links")
        candidates = [self.pick_target(note) for _ in range(4)]
        with_headings = [t for t in candidates if t.headings]
        if rng.random() < 0.1 and note.headings:
            h = rng.choice(note.headings)  # a link inside the same note
            return f"[[#{h.link_text}]]"
        if not with_headings:
            return self.wikilink(note)
        target = with_headings[0]
        path = self.link_path(target, note)
        if rng.random() < P_BROKEN["heading"]:
            missing = f"{self.title(2)} Gone {self.serial()}"
            return self.broken_link(
                "LK003", "wikilink-heading", note, f"[[{path}#{missing}]]", f"{target.path}#{missing}"
            )
        hs = target.headings
        # Occasionally a nested path #A#B, which Obsidian walks in order with
        # strictly deeper levels (OBSIDIAN.md 4).
        for i, h in enumerate(hs[:-1]):
            if hs[i + 1].level > h.level and rng.random() < 0.05:
                return f"[[{path}#{h.link_text}#{hs[i + 1].link_text}]]"
        h = rng.choice(hs)
        if rng.random() < 0.25:
            return f"[[{path}#{h.link_text}|{self.words(2)}]]"
        return f"[[{path}#{h.link_text}]]"

    def block_link(self, note: NotePlan) -> str:
        rng = self.rng
        self.count("block_links")
        candidates = [self.pick_target(note) for _ in range(6)]
        with_ids = [t for t in candidates if t.block_ids]
        if not with_ids:
            return self.wikilink(note)
        target = with_ids[0]
        path = self.link_path(target, note)
        if rng.random() < P_BROKEN["block"]:
            missing = f"gone{self.serial()}"
            return self.broken_link(
                "LK004", "wikilink-block", note, f"[[{path}#^{missing}]]", f"{target.path}#^{missing}"
            )
        bid = rng.choice(target.block_ids)
        if rng.random() < 0.15:
            return f"![[{path}#^{bid}]]"  # embedding a block is common
        return f"[[{path}#^{bid}]]"

    def embed(self, note: NotePlan) -> str:
        rng = self.rng
        self.count("embeds")
        if rng.random() < P_BROKEN["embed"]:
            name = f"Pasted image 2099{self.serial():08d}.png"
            return self.broken_link("LK002", "embed", note, f"![[{name}]]", name)
        att = rng.choice(self.attachments)
        if att.name.endswith(".pdf") and rng.random() < 0.5:
            return f"![[{att.name}#page={rng.randint(1, 20)}]]"  # never checked
        if rng.random() < 0.2:
            return f"![[{att.name}|{rng.choice([200, 300, 400, 640])}]]"
        if rng.random() < 0.05:
            self.count("note_embeds")
            return f"![[{self.link_path(self.pick_target(note), note)}]]"
        return f"![[{att.name}]]"

    def markdown_link(self, note: NotePlan) -> str:
        rng = self.rng
        self.count("markdown_links")
        text = self.words(rng.randint(1, 3))
        if rng.random() < P_BROKEN["markdown"]:
            dest = urllib.parse.quote(f"{self.missing_name()}.md")
            return self.broken_link("LK001", "markdown-link", note, f"[{text}]({dest})", urllib.parse.unquote(dest))
        target = self.pick_target(note)
        r = rng.random()
        if r < 0.05:
            # A relative link, as editors other than Obsidian write them.
            rel = posixpath.relpath(target.path, note.folder or ".")
            dest = rel if rel.startswith("../") else "./" + rel
        elif r < 0.1:
            self.count("markdown_images")
            att = rng.choice(self.attachments)
            return f"![{text}]({urllib.parse.quote(att.path)})"
        else:
            dest = self.link_path(target, note) + ".md"
        dest = urllib.parse.quote(dest)
        safe = [h for h in target.headings if h.anchor_safe]
        if safe and rng.random() < 0.1:
            dest += "#" + urllib.parse.quote(rng.choice(safe).text)
        return f"[{text}]({dest})"

    def url(self) -> str:
        rng = self.rng
        self.count("urls")
        url = f"https://{rng.choice(URL_HOSTS)}/{rng.choice(WORDS)}/{rng.choice(WORDS)}-{rng.randint(1, 9999)}"
        r = rng.random()
        if r < 0.15:
            url += f"?q={rng.choice(WORDS)}&page={rng.randint(1, 9)}"
        elif r < 0.25:
            url += f"#{rng.choice(WORDS)}"
        style = rng.random()
        if style < 0.5:
            return f"[{self.words(rng.randint(1, 4))}]({url})"
        if style < 0.6:
            return f"<{url}>"
        return url

    def tag(self) -> str:
        self.count("inline_tags")
        return "#" + self.rng.choice(self.tags)

    def fake_link(self) -> str:
        self.count("fake_links_in_code")
        return f"[[Not A Link {self.serial()}]]"

    def inline_element(self, note: NotePlan) -> str:
        rng = self.rng
        kind = rng.choices(
            [
                "wikilink",
                "heading",
                "block",
                "embed",
                "markdown",
                "url",
                "tag",
                "bold",
                "italic",
                "highlight",
                "code",
                "fakecode",
                "math",
                "strike",
            ],
            weights=[40, 9, 4, 6, 7, 8, 8, 5, 4, 2, 4, 1, 1, 1],
        )[0]
        if kind == "wikilink":
            return self.wikilink(note)
        if kind == "heading":
            return self.heading_link(note)
        if kind == "block":
            return self.block_link(note)
        if kind == "embed":
            return self.embed(note)
        if kind == "markdown":
            return self.markdown_link(note)
        if kind == "url":
            return self.url()
        if kind == "tag":
            return self.tag()
        if kind == "bold":
            return f"**{self.words(rng.randint(1, 3))}**"
        if kind == "italic":
            return f"*{self.words(rng.randint(1, 3))}*"
        if kind == "highlight":
            return f"=={self.words(rng.randint(2, 4))}=="
        if kind == "strike":
            return f"~~{self.words(2)}~~"
        if kind == "code":
            return f"`{rng.choice(WORDS)}_{rng.choice(WORDS)}()`"
        if kind == "fakecode":
            return f"`{self.fake_link()}`"  # a code span: not a link
        return f"${rng.choice('xyzabn')}^{rng.randint(2, 4)} + {rng.choice('xyzabn')}_{rng.randint(0, 9)}$"

    def inline_text(self, note: NotePlan, n_words: int, density: float) -> str:
        """Sentences of filler words with inline elements scattered in."""
        rng = self.rng
        out: list[str] = []
        remaining = n_words
        while remaining > 0:
            n = min(remaining, rng.randint(6, 16))
            remaining -= n
            words = [rng.choice(WORDS) for _ in range(n)]
            words[0] = words[0].capitalize()
            for _ in range(sum(rng.random() < density for _ in range(n))):
                words.insert(rng.randint(1, len(words)), self.inline_element(note))
            out.append(" ".join(words) + rng.choice(".......?!"))
        return " ".join(out)

    # ---- blocks -------------------------------------------------------

    def render_block(self, note: NotePlan, block: Block) -> str:
        rng = self.rng
        kind = block.kind
        suffix = f" ^{block.block_id}" if block.block_id else ""
        if kind == "para":
            n = rng.choice([7, 10, 14, 20, 26, 40])
            text = self.inline_text(note, n, 0.06)
            if rng.random() < 0.15:
                text += "\n" + self.inline_text(note, rng.randint(6, 20), 0.06)  # soft break
            return text + suffix
        if kind in ("list", "task"):
            items = []
            marker = rng.choice(["-", "-", "*", "1."])
            for j in range(rng.randint(2, 6)):
                prefix = (
                    "- [x] "
                    if kind == "task" and rng.random() < 0.4
                    else "- [ ] "
                    if kind == "task"
                    else (f"{j + 1}. " if marker == "1." else f"{marker} ")
                )
                items.append(prefix + self.inline_text(note, rng.randint(3, 14), 0.1))
                if rng.random() < 0.15:
                    items.append("    - " + self.inline_text(note, rng.randint(3, 10), 0.1))
            if block.block_id:
                k = rng.randrange(len(items))
                items[k] += suffix
            return "\n".join(items)
        if kind == "code":
            lang = rng.choice(CODE_LANGS)
            self.count("code_blocks")
            if lang == "dataview":
                body = [f"LIST FROM {self.fake_link()}", f'WHERE contains(tags, "#{rng.choice(self.tags)}")']
            else:
                body = [
                    f"def {rng.choice(WORDS)}_{rng.choice(WORDS)}(x):",
                    f"    # see {self.fake_link()} and #{rng.choice(WORDS)} ^notanid",
                    f"    return x  # https://{rng.choice(URL_HOSTS)}/in-code",
                ]
            fence = rng.choice(["```", "```", "~~~"])
            return f"{fence}{lang}\n" + "\n".join(body) + f"\n{fence}"
        if kind == "callout":
            head = f"> [!{rng.choice(CALLOUT_KINDS)}]{rng.choice(['', '-', '+'])} {self.title(2)}"
            lines = [head] + ["> " + self.inline_text(note, rng.randint(8, 30), 0.08) for _ in range(rng.randint(1, 3))]
            return "\n".join(lines)
        if kind == "quote":
            return "> " + self.inline_text(note, rng.randint(10, 40), 0.05)
        if kind == "table":
            cols = rng.randint(2, 4)
            rows = ["| " + " | ".join(self.title(1) for _ in range(cols)) + " |", "|" + " --- |" * cols]
            for _ in range(rng.randint(2, 5)):
                cells = []
                for _ in range(cols):
                    r = rng.random()
                    if r < 0.25:
                        # In a table the alias bar must be escaped (OBSIDIAN.md 1.4).
                        self.count("wikilinks")
                        cells.append(f"[[{self.link_path(self.pick_target(note), note)}\\|{rng.choice(WORDS)}]]")
                    elif r < 0.4:
                        cells.append(str(rng.randint(0, 1000)))
                    else:
                        cells.append(self.words(rng.randint(1, 3)))
                rows.append("| " + " | ".join(cells) + " |")
            table = "\n".join(rows)
            # A table's id goes on its own line after a blank line (OBSIDIAN.md 5).
            return table + (f"\n\n^{block.block_id}" if block.block_id else "")
        if kind == "math":
            return "$$\n\\sum_{i=1}^{n} " + rng.choice("xyz") + "_i = " + str(rng.randint(1, 99)) + "\n$$"
        if kind == "comment":
            if rng.random() < 0.5:
                self.count("fake_links_in_code")
                return f"<!-- TODO: {self.words(4)} [[Not A Link {self.serial()}]] -->"
            # An Obsidian comment: its links are parsed (only valid ones here).
            self.count("comment_links")
            return f"%% {self.words(5)} [[{self.link_path(self.pick_target(note), note)}]] %%"
        raise AssertionError(kind)

    def frontmatter(self, note: NotePlan) -> str:
        rng = self.rng
        q = lambda s: json.dumps(s, ensure_ascii=False)  # noqa: E731 - JSON strings are valid YAML
        lines = ["---"]
        if rng.random() < 0.85:
            tags = rng.sample(self.tags, rng.randint(1, 4))
            lines += ["tags:"] + [f"  - {t}" for t in tags]
            self.count("frontmatter_tags", len(tags))
        if rng.random() < 0.3:
            lines += ["aliases:"] + [f"  - {q(self.title(rng.randint(1, 3)))}" for _ in range(rng.randint(1, 2))]
        if rng.random() < 0.7:
            lines.append(f"created: 202{rng.randint(1, 4)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
        if rng.random() < 0.3:
            lines.append(
                f"updated: 2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T"
                f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00"
            )
        if rng.random() < 0.45:
            lines.append(f"up: {q(self.property_link(note))}")
        if rng.random() < 0.2:
            lines += ["related:"] + [f"  - {q(self.property_link(note))}" for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.1:
            person = rng.choice(self.people)
            self.count("property_links")
            lines += [
                "project:",
                f"  name: {q(self.title(2))}",
                f"  owner: {q('[[' + self.link_path(person, note) + ']]')}",
            ]
        if rng.random() < 0.4:
            lines.append(f"status: {rng.choice(['draft', 'active', 'done', 'evergreen', 'seedling'])}")
        if rng.random() < 0.1:
            lines.append(f"source: https://{rng.choice(URL_HOSTS)}/{rng.choice(WORDS)}")
        if rng.random() < 0.05:
            lines.append(f"rating: {rng.randint(1, 5)}")
        if len(lines) == 1:  # never an empty block: real frontmatter has something
            lines.append(f"created: 2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
        lines.append("---")
        return "\n".join(lines)

    def property_link(self, note: NotePlan) -> str:
        self.count("property_links")
        if self.rng.random() < P_BROKEN["property"]:
            name = self.missing_name()
            return self.broken_link("LK001", "property", note, f"[[{name}]]", name)
        return f"[[{self.link_path(self.pick_target(note), note)}]]"

    def render_note(self, note: NotePlan) -> str:
        parts: list[str] = []
        if note.frontmatter:
            self.count("notes_with_frontmatter")
            parts.append(self.frontmatter(note))
        if note.title_heading:
            parts.append(f"# {note.name}")
        for section in note.sections:
            if section.heading:
                parts.append("#" * section.heading.level + " " + section.heading.text)
            for block in section.blocks:
                parts.append(self.render_block(note, block))
        if note.sections and self.rng.random() < 0.1:
            parts.append("---\n\n" + " ".join(self.tag() for _ in range(self.rng.randint(1, 3))))
        return "\n\n".join(parts) + "\n"

    # ---- phase 2: write -------------------------------------------------

    def generate(self, out: Path) -> dict:
        rng = self.rng
        self.plan_folders()
        self.plan_notes()
        self.plan_attachments()
        self.tags = sorted(
            {
                ("/".join(rng.choice(WORDS) + "-" + rng.choice(WORDS) for _ in range(rng.choice([1, 1, 2]))))
                for _ in range(max(30, self.n_notes // 100))
            }
        )
        for note in self.notes:
            self.plan_structure(note)

        out.mkdir(parents=True, exist_ok=True)
        write_obsidian_config(out)
        md_bytes = 0
        by_path: dict[str, list[Broken]] = {}
        for note in self.notes:
            first_broken = len(self.broken)
            text = self.render_note(note)
            path = out / note.path
            path.parent.mkdir(parents=True, exist_ok=True)
            data = text.encode("utf-8")
            path.write_bytes(data)
            md_bytes += len(data)
            # Locate each broken link in the final text: its literal is unique.
            for b in self.broken[first_broken:]:
                pos = text.index(b.literal)
                b.line = text.count("\n", 0, pos) + 1
                b.column = pos - (text.rfind("\n", 0, pos) + 1) + 1
                by_path.setdefault(b.path, []).append(b)
            self.count("headings", len(note.headings) + note.title_heading)
            self.count("block_ids", len(note.block_ids))
        for att in self.attachments:
            p = out / att.path
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(PLACEHOLDER[att.name.rsplit(".", 1)[1]])

        internal = sum(
            self.counts.get(k, 0)
            for k in ("wikilinks", "heading_links", "block_links", "embeds", "markdown_links", "property_links")
        )
        by_code: dict[str, int] = {}
        by_kind: dict[str, int] = {}
        for b in self.broken:
            by_code[b.code] = by_code.get(b.code, 0) + 1
            by_kind[b.kind] = by_kind.get(b.kind, 0) + 1
        dup = sum(1 for paths in self.by_name.values() if len(paths) > 1 and paths[0].endswith(".md"))
        return {
            "generator_version": GENERATOR_VERSION,
            "seed": self.seed,
            "notes": len(self.notes),
            "attachments": len(self.attachments),
            "folders": len(set(self.folders) | {a.folder for a in self.attachments}),
            "max_folder_depth": max(f.count("/") + 1 for f in self.folders + [a.folder for a in self.attachments]),
            "markdown_bytes": md_bytes,
            "duplicate_note_names": dup,
            "counts": dict(sorted(self.counts.items())),
            "internal_links": internal,
            "broken": {
                "total": len(self.broken),
                "share_of_internal_links": round(len(self.broken) / max(1, internal), 4),
                "by_code": dict(sorted(by_code.items())),
                "by_kind": dict(sorted(by_kind.items())),
            },
            # Every deliberately broken link: path, 1-based line and column of
            # the start of the link syntax, the code vaultlint should report.
            "broken_links": [
                {
                    "code": b.code,
                    "kind": b.kind,
                    "path": b.path,
                    "line": b.line,
                    "column": b.column,
                    "link": b.literal,
                    "target": b.target,
                }
                for b in sorted(self.broken, key=lambda b: (b.path, b.line, b.column))
            ],
            "notes_on_truth": (
                "Only LK001-LK004 are planted. Links inside code spans, fenced code and "
                "HTML comments (counts.fake_links_in_code) are not links and must not be "
                "reported. No link is ambiguous (LK005)."
            ),
        }


def write_obsidian_config(out: Path) -> None:
    """A plausible .obsidian/ folder: vaultlint must treat it as config, not notes."""
    cfg = out / ".obsidian"
    (cfg / "plugins" / "dataview").mkdir(parents=True, exist_ok=True)
    files = {
        "app.json": {
            "attachmentFolderPath": "Attachments",
            "newLinkFormat": "shortest",
            "useMarkdownLinks": False,
            "alwaysUpdateLinks": True,
        },
        "appearance.json": {"baseFontSize": 16, "theme": "obsidian"},
        "core-plugins.json": [
            "file-explorer",
            "global-search",
            "graph",
            "backlink",
            "outgoing-link",
            "tag-pane",
            "daily-notes",
            "templates",
        ],
        "community-plugins.json": ["dataview"],
        "daily-notes.json": {"folder": "Daily", "format": "YYYY-MM-DD"},
        "workspace.json": {
            "main": {"id": "bench", "type": "split", "children": []},
            "lastOpenFiles": ["Projects/Overview.md"],
        },
        "plugins/dataview/manifest.json": {"id": "dataview", "name": "Dataview", "version": "0.5.67"},
    }
    for name, data in files.items():
        (cfg / name).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------


def generate(out_dir: Path, notes: int = 20000, seed: int = 1, force: bool = False) -> dict:
    """Generate a vault into ``out_dir`` and return the truth dictionary."""
    if out_dir.exists() and any(out_dir.iterdir()):
        if not force:
            raise FileExistsError(f"{out_dir} is not empty (use --force to replace it)")
        shutil.rmtree(out_dir)
    truth = VaultGenerator(notes, seed).generate(out_dir)
    # Written last: its presence means the vault is complete (see ensure_vault).
    (out_dir / TRUTH_FILE).write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return truth


def read_truth(out_dir: Path) -> dict | None:
    try:
        return json.loads((out_dir / TRUTH_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def ensure_vault(out_dir: Path, notes: int, seed: int = 1, log: Callable[[str], None] = print) -> dict:
    """Reuse a complete vault with the same parameters, else (re)generate it."""
    truth = read_truth(out_dir)
    if (
        truth
        and truth.get("notes") == notes
        and truth.get("seed") == seed
        and truth.get("generator_version") == GENERATOR_VERSION
    ):
        return truth
    log(f"generating {notes}-note vault (seed {seed}) in {out_dir} ...")
    return generate(out_dir, notes, seed, force=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("out_dir", type=Path, help="folder to create the vault in")
    ap.add_argument("--notes", type=int, default=20000, help="number of notes (default 20000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--force", action="store_true", help="replace OUT_DIR if it is not empty")
    args = ap.parse_args(argv)
    if args.notes < 10:
        ap.error("--notes must be at least 10")
    try:
        truth = generate(args.out_dir, args.notes, args.seed, args.force)
    except FileExistsError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    b = truth["broken"]
    print(
        f"{truth['notes']} notes, {truth['attachments']} attachments, "
        f"{truth['markdown_bytes'] / 1e6:.1f} MB of Markdown, "
        f"{truth['internal_links']} internal links, {b['total']} broken "
        f"({b['share_of_internal_links']:.1%}): {b['by_code']}"
    )
    print(f"truth: {args.out_dir / TRUTH_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
