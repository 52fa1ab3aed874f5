"""After-action reports: figures, narrative, Markdown and self-contained HTML."""
