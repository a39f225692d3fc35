"""How far YAML aliases may expand a frontmatter block: Obsidian's limit, and ours.

An alias (``*a``) repeats the node anchored ``&a``.  Nine aliases of nine
aliases of nine ... turn 400 bytes into a billion values ("billion laughs").
PyYAML composes such a block into a small graph in which every alias is the
same node object again, so composing is cheap; what is not is anything that
later walks the values as a tree (a rule printing a tag list, a cache writing
the values out).  :func:`alias_problem` looks at the composed graph once, in
time linear in its size, and says whether the block must be refused:

* Obsidian reads frontmatter with the ``yaml`` npm package, whose default
  ``maxAliasCount`` of 100 stops a document when the uses of an anchor times
  the aliases nested inside it exceed 100 ("Excessive alias count indicates a
  resource exhaustion attack"); the note then has no properties in Obsidian.
  :class:`_ObsidianAliasCount` replays that count in document order.
* Whatever that count lets through, vaultlint refuses a block whose aliases
  add more than :data:`MAX_ALIAS_EXPANSION` values, so everything done with the
  values stays proportional to the size of the note.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from yaml.nodes import MappingNode, Node, SequenceNode

#: The ``yaml`` npm package's default ``maxAliasCount`` (Obsidian passes no options).
OBSIDIAN_MAX_ALIAS_COUNT = 100

#: At most this many values may be added by expanding aliases (a tree walk of the
#: values then costs at most this much more than the block's own nodes).
MAX_ALIAS_EXPANSION = 100_000

#: Replaying Obsidian's count walks the subtree of each aliased node once; nested
#: aliased nodes are walked again inside their parents.  Past this many steps the
#: block is refused rather than checked slowly.
MAX_ALIAS_COUNT_STEPS = 1_000_000

#: Where a node was defined: ``(id(parent), index among the parent's children)``.
_Slot = tuple[int, int]


@dataclass(frozen=True)
class AliasProblem:
    """Why the block is refused; ``node`` is the anchored node at fault (its line is shown)."""

    message: str
    node: Node
    #: False for a recursive alias, which is refused for another reason.
    is_bomb: bool = True


def _children(node: Node) -> list[Node]:
    """Child nodes in document order: a mapping's key, value, key, value ..."""
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return node.value
    return []


class _ObsidianAliasCount:
    """The ``yaml`` package's alias accounting (``ToJSContext.resolveAlias``), replayed.

    Each anchored node has ``count`` (1 + the aliases resolved to it so far)
    and ``alias_count`` (computed at its first alias: the largest
    ``count * alias_count`` of an alias inside it, 1 for a scalar inside it,
    0 when it holds neither).  An alias fails when ``count * alias_count`` of
    its node exceeds 100.
    """

    def __init__(self, slot_of: dict[int, _Slot]) -> None:
        self.slot_of = slot_of
        self.counts: dict[int, list[int]] = {}  # id(node) -> [count, alias_count]
        self.steps = 0

    def resolve(self, node: Node) -> bool | None:
        """Account for one alias to ``node``: False when Obsidian stops here, None when
        the count is too costly to replay, else True."""
        data = self.counts.setdefault(id(node), [1, 0])
        data[0] += 1
        if not data[1]:
            # Zero only when nothing inside counts, and that never changes later.
            data[1] = self._alias_count(node)
            if data[1] < 0:
                return None
        return data[0] * data[1] <= OBSIDIAN_MAX_ALIAS_COUNT

    def _alias_count(self, source: Node) -> int:
        if not isinstance(source, (MappingNode, SequenceNode)):
            return 1
        best = 0
        visited: set[int] = set()
        stack = [(source, index, child) for index, child in enumerate(_children(source))]
        while stack:
            self.steps += 1
            if self.steps > MAX_ALIAS_COUNT_STEPS:
                return -1
            parent, index, node = stack.pop()
            node_id = id(node)
            if self.slot_of.get(node_id) != (id(parent), index) or node_id in visited:
                data = self.counts.get(node_id)  # an alias here: what it has counted so far
                best = max(best, data[0] * data[1] if data else 0)
            elif isinstance(node, (MappingNode, SequenceNode)):
                visited.add(node_id)
                stack.extend((node, i, child) for i, child in enumerate(_children(node)))
            else:
                best = max(best, 1)
        return best


def alias_problem(root: Node, line_of: Callable[[Node], int]) -> AliasProblem | None:
    """Why the composed frontmatter ``root`` must be refused for its aliases, or ``None``.

    ``line_of`` gives the file's line number of a node (for messages).

    One depth-first pass in document order.  The first time a node is reached is
    where it is written (its anchor); every later time is an alias to it.  The
    pass adds up how many values the block holds once aliases are expanded.
    """
    slot_of: dict[int, _Slot] = {id(root): (0, 0)}
    expanded: dict[int, int] = {}  # id(node) -> values below and including it, aliases expanded
    obsidian = _ObsidianAliasCount(slot_of)
    # Frames: [node, its children, next child index, expanded size so far].
    frames: list[list] = [[root, _children(root), 0, 1]]
    while frames:
        frame = frames[-1]
        node, children, index = frame[0], frame[1], frame[2]
        if index == len(children):
            frames.pop()
            expanded[id(node)] = frame[3]
            if frames:
                frames[-1][3] += frame[3]
            continue
        frame[2] = index + 1
        child = children[index]
        child_id = id(child)
        if child_id not in slot_of:
            slot_of[child_id] = (id(node), index)
            frames.append([child, _children(child), 0, 1])
            continue
        # An alias.
        if child_id not in expanded:
            line = line_of(child)
            return AliasProblem(
                f"an alias inside the value at line {line} repeats that value (an endless structure)",
                child,
                is_bomb=False,
            )
        frame[3] += expanded[child_id]
        accepted = obsidian.resolve(child)
        if accepted is None:
            return AliasProblem("alias bomb: aliases nest too intricately to check", child)
        if not accepted:
            line = line_of(child)
            return AliasProblem(
                f"alias bomb: aliases repeat the value at line {line} too often; Obsidian refuses "
                'such frontmatter ("excessive alias count") and reads no properties',
                child,
            )
    added = expanded[id(root)] - len(slot_of)
    if added > MAX_ALIAS_EXPANSION:
        return AliasProblem(f"alias bomb: aliases expand it by more than {MAX_ALIAS_EXPANSION:,} values", root)
    return None
