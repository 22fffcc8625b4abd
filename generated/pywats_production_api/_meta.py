"""Build facts of this generated client, written by scripts/generate.py. Do not edit."""

SDK_VERSION = "0.1.0"
SPEC_SHA256 = "a6c27b2ba8d5339c72a2e8ae4316ad49ce953a9d6b4405c07a2ce75fb872ca8c"
USER_AGENT = f"pywats-production/{SDK_VERSION} (spec sha256:{SPEC_SHA256[:16]})"
DEFAULT_HEADERS = {"Accept": "application/json", "User-Agent": USER_AGENT}
