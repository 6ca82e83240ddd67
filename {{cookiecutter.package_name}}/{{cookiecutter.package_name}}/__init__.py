"""{{ cookiecutter.package_name }}: the package's public interface."""

from importlib.metadata import PackageNotFoundError, version

from .stats import zscore

try:
    __version__ = version("{{ cookiecutter.distribution_name }}")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__", "zscore"]
