"""Build facts of this generated client, written by scripts/generate.py. Do not edit."""

SDK_VERSION = "0.1.0"
SPEC_SHA256 = "329b238f866387d7171045629c64fb68de103843d3bafd7e569edc123df7e78f"
USER_AGENT = f"pywats-production/{SDK_VERSION} (spec sha256:{SPEC_SHA256[:16]})"
DEFAULT_HEADERS = {"Accept": "application/json", "User-Agent": USER_AGENT}
