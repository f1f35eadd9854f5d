"""The command line (placeholder: the commands are in the top-level ``cli.py`` for now)."""
