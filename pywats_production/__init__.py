"""pywats-production: typed SDK for the WATS Production API."""

__version__ = "0.1.0"
