"""PreventIA: media monitoring of breast-cancer news in Spanish and English."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("preventia")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"
