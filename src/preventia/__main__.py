"""``python -m preventia`` is the ``preventia`` command."""

from preventia.cli.main import app

app()
