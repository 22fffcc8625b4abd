"""Build facts of this generated client, written by scripts/generate.py. Do not edit."""

SDK_VERSION = "0.1.0"
SPEC_SHA256 = "66ffeee8911928ff2c4ceb57cdd9a097ef710e56bf4a45864e034de76f4bbbcd"
USER_AGENT = f"pywats-production/{SDK_VERSION} (spec sha256:{SPEC_SHA256[:16]})"
DEFAULT_HEADERS = {"Accept": "application/json", "User-Agent": USER_AGENT}
