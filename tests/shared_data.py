"""Where the team's shared third-party data lives (never copied into the repository).

CI clones the repository next to a copy of ``shared/``; ``PREVENTIA_SHARED_DIR`` overrides.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("PREVENTIA_SHARED_DIR", REPO_ROOT.parent / "shared"))
SHARED_DATA = SHARED_DIR / "data"
