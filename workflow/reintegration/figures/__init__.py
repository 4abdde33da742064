"""Figures: a shared style and a deterministic saver; one module per chapter's exhibits."""
