"""The differential test of issue 21: after every random change (edits, creates, deletes, renames of
notes, attachments and folders, heading, block-id and alias changes, unsaved text, config changes)
the workspace's diagnostics equal a fresh ``vaultlint check --no-cache`` of the same files.

The short version runs here; ``bench/workspace_differential.py`` runs it long.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from helpers import SHARED
from workspace_steps import Mismatch, corpus_vault, generated_vault, run

from vaultlint.workspace.index import ReverseIndex

#: Seeds and steps of the short run (a few seconds): a failure names its seed, ``bench/`` replays it.
SEEDS = range(8)
STEPS = 30


@pytest.mark.parametrize("seed", SEEDS)
def test_generated_vault_matches_fresh_check_after_every_step(tmp_path: Path, seed: int) -> None:
    started = time.monotonic()
    assert run(generated_vault(tmp_path / "vault", random.Random(seed), notes=12), STEPS) == STEPS
    assert time.monotonic() - started < 60


@pytest.mark.skipif(not (SHARED / "corpora" / "kepano-vault").is_dir(), reason="../shared/corpora not present")
def test_corpus_vault_matches_fresh_check_and_the_cli(tmp_path: Path) -> None:
    """A real vault, compared with a real ``vaultlint check`` process at the start and the end."""
    session = corpus_vault(SHARED / "corpora" / "kepano-vault", tmp_path / "vault", random.Random(7))
    assert run(session, 12, subprocess_every=12) == 12


#: For each part of the reverse index, the first seed of :data:`SEEDS` that shows it is needed.
NEEDED_BY = {"naming": 0, "consulting": 4, "hinting": 1, "hinted_at": 3}


@pytest.mark.parametrize(("lookup", "seed"), sorted(NEEDED_BY.items()))
def test_a_dependent_left_unchecked_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lookup: str, seed: int
) -> None:
    """The test can fail: with one part of the reverse index answering nothing (the links that name
    a file, the notes that read another's headings and blocks, the hints close to a file's name or
    naming an alias), the seed shows a stale result."""
    monkeypatch.setattr(ReverseIndex, lookup, lambda self, paths: set())
    with pytest.raises(Mismatch):
        run(generated_vault(tmp_path / "vault", random.Random(seed), notes=12), STEPS)
