"""``python -m docwitness`` runs the command line."""

from docwitness.cli import entry_point

entry_point()
