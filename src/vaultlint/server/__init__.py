"""``vaultlint server``: a language server on stdio over the long-lived Workspace.

Only ``vaultlint server`` imports this package (and with it pygls), so ``vaultlint check``
and ``vaultlint --version`` start as fast as before.

Modules:
  state.py      EngineAccess: the one Workspace, its lock and its worker thread (the contract for handlers)
  app.py        builds the LanguageServer: lifecycle, documents, watched files, progress
  diagnostics.py  pull / push / workspace-mode diagnostics
  actions.py    code actions (quick fixes, did-you-mean, create note, suppress, fix-all)
  positions.py  model.Span (1-based code points) <-> LSP Range (0-based, negotiated units)
  navigate.py   definition, completion, hover (helper "nav")
  renames.py    willRenameFiles, heading rename (helper "nav")
"""
