"""Obsidian Flavored Markdown on markdown-it-py: the plugins and the Note builder."""
