"""Build facts of this generated client, written by scripts/generate.py. Do not edit."""

SDK_VERSION = "0.1.0"
SPEC_SHA256 = "b9954cbd9254569612e1776dd1651fed472d5b250377c71216e13b0a1eb0bca9"
USER_AGENT = f"pywats-production/{SDK_VERSION} (spec sha256:{SPEC_SHA256[:16]})"
DEFAULT_HEADERS = {"Accept": "application/json", "User-Agent": USER_AGENT}
