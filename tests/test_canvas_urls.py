"""Canvas link cards and URLs in text cards reach the URL checker (a real server on 127.0.0.1)."""

from __future__ import annotations

import json

from helpers import write_vault
from test_url_stage import Handler, server  # noqa: F401 - the server fixture

from vaultlint.cli import main


def test_canvas_urls_are_checked_and_reported_in_the_canvas(tmp_path, server, capsys):  # noqa: F811
    board = {
        "nodes": [
            {"id": "a", "type": "link", "url": f"{server}/ok", "x": 0, "y": 0, "width": 1, "height": 1},
            {"id": "b", "type": "link", "url": f"{server}/gone", "x": 0, "y": 0, "width": 1, "height": 1},
            {"id": "c", "type": "text", "text": f"see {server}/moved", "x": 0, "y": 0, "width": 1, "height": 1},
        ]
    }
    root = write_vault(tmp_path / "v", {"Board.canvas": json.dumps(board, indent=1)})
    code = main(["check", "--output-format", "json", "--select", "UR", "--allow-private-urls", "--no-cache", str(root)])
    data = json.loads(capsys.readouterr().out)
    lines = (root / "Board.canvas").read_text().split("\n")
    found = [(d["code"], lines[d["line"] - 1][d["column"] - 1 : d["end_column"] - 1]) for d in data]
    assert found == [("UR001", f"{server}/gone"), ("UR003", f"{server}/moved")]
    assert code == 1
    assert Handler.seen["/ok"] >= 1
