"""A client library for accessing WATS internal Production API (pinned contract of pywats-production)"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
