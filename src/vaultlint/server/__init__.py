"""``vaultlint server``: a language server on stdio over the long-lived Workspace.

Only ``vaultlint server`` imports this package (and with it pygls), so ``vaultlint check``
and ``vaultlint --version`` start as fast as before.

Modules:
  state.py      EngineAccess: a Workspace per vault, routing by note, the lock and the worker (the contract for handlers)
  app.py        builds the LanguageServer: lifecycle, documents, watched files, progress
  diagnostics.py  pull / push / workspace-mode diagnostics
  actions.py    code actions (quick fixes, did-you-mean, create note, suppress, fix-all)
  positions.py  model.Span (1-based code points) <-> LSP Range (0-based, negotiated units)
  navigate.py   definition, completion, hover (LSP side of linknav.py)
  renames.py    willRenameFiles, heading and block-id renames (LSP side of linkedits.py)
  linknav.py    where a link leads, what can be typed in one, hover text: pure, no LSP types
  linkedits.py  the edits of file, folder, heading and block-id renames: pure, no LSP types
  startup.py    lsprotocol's types imported with attrs' scripts compiled on an earlier start
  vaults.py     which vault an editor folder brings in, and how its Workspace is built (no framework)
  headstart.py  the first vault indexed in a forked process while the framework is imported
"""
