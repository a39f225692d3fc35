"""vaultlint and git: git runs as a reader only (:mod:`.run`), and says what changed (:mod:`.changes`).

Imported by the engine and the CLI; nothing here imports them.
"""
