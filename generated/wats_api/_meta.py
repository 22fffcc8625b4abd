"""Build facts of this generated client, written by scripts/generate.py. Do not edit."""

SDK_VERSION = "0.1.0"
SPEC_SHA256 = "405c7841277463206fb3d3514d72f9f6cedd540ab378ea25fc361b5e6c2015dc"
USER_AGENT = f"pywats-production/{SDK_VERSION} (spec sha256:{SPEC_SHA256[:16]})"
DEFAULT_HEADERS = {"Accept": "application/json", "User-Agent": USER_AGENT}
