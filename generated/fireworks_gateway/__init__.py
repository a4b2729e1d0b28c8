"""A client library for accessing Gateway REST API"""

from importlib.metadata import PackageNotFoundError, version

from .client import AuthenticatedClient, Client

# The installed wheel's version (a client-only revision adds .postN); in a checkout, the spec's it came from.
try:
    __version__ = version("fireworks-gateway")
except PackageNotFoundError:
    __version__ = "4.259.0"

__all__ = (
    "AuthenticatedClient",
    "Client",
    "__version__",
)
