"""Every example of README.md, spec/README.md and docs/ runs as written (see snippets.py for the rules).

One process per page (tests/docs/snippets.py PAGE), against the contract mock on
loopback. A new page under docs/ is picked up by itself; a shell command of a new kind
must be classified in snippets.py (RUN or NOT_RUN with the reason).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).parent / "snippets.py"
PAGES = sorted(
    [REPO / "README.md", REPO / "spec" / "README.md", *(REPO / "docs").rglob("*.md")],
    key=lambda p: str(p.relative_to(REPO)),
)


def _has_examples(page: Path) -> bool:
    text = page.read_text(encoding="utf-8")
    return "```python" in text or "```sh" in text


@pytest.mark.parametrize(
    "page", [p for p in PAGES if _has_examples(p)], ids=lambda p: str(p.relative_to(REPO))
)
def test_page_examples_run_as_written(page: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(RUNNER), str(page)],
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    (line,) = [x for x in done.stdout.splitlines() if x.startswith("snippet-counts: ")]
    counts = json.loads(line.split(" ", 1)[1])
    assert sum(counts.values()) > 0, counts


def test_the_runner_classifies_every_shell_command() -> None:
    sys.path.insert(0, str(RUNNER.parent))
    try:
        import snippets
    finally:
        sys.path.remove(str(RUNNER.parent))
    kinds = {"run": 0, "skip": 0, "export": 0}
    for page in PAGES:
        for language, code, _ in snippets.blocks(page.read_text(encoding="utf-8")):
            if language == "sh":
                for command in snippets.shell_commands(code):
                    kind, _reason = snippets.classify(command)
                    kinds[kind] += 1
    assert kinds["run"] >= 20, kinds  # the CLI examples are run, not skipped
    with pytest.raises(SystemExit, match="unclassified command"):
        snippets.classify("make install")
    assert snippets.classify("nox -s docs")[0] == "skip"
    assert snippets.classify("wats-production mock --port 8765")[0] == "skip"
    assert snippets.classify("wats-production unit get S P")[0] == "run"
