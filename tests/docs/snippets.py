"""Run one documentation page's examples as written: ``python snippets.py PAGE.md``.

Used by test_doc_snippets.py (one process per page, so that what a page sets up, such as
logging handlers or an OpenTelemetry provider, cannot leak into other tests). The page's
blocks run top to bottom against one contract mock served on loopback:

- ``python`` blocks run in one namespace that starts with ``wats`` (a ProductionService
  on the mock), ``mock_admin`` (its admin API), ``url`` and ``token``; the text
  ``https://wats.example.com`` becomes the mock's URL, and ``WATS_BASE_URL`` /
  ``WATS_AUTH_TOKEN`` are set.
- A ``python`` block whose first line is ``# some/file.py`` is a file the reader saves:
  it is written to the page's scratch folder (the working folder of the shell lines);
  when its name starts with ``test_`` it is run with pytest and must pass.
- ``sh`` blocks run as one ``sh -e`` script each (in the scratch folder,
  ``wats-production`` on PATH): every command must exit 0 (``a && b`` as sh has it). A command that cannot run in a test (installs, long runs, servers) is listed in
  NOT_RUN with the reason; a command in neither RUN nor NOT_RUN fails the page, so a new
  kind of command must be classified here.

Prints the counts as one line, ``snippet-counts: {...}``.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Commands run as written (first word of the line, after VAR=value assignments).
RUN = {"wats-production", "curl", "cat", "echo", "printf", "test"}
# Commands not run here, and why. The longest matching prefix wins.
NOT_RUN = {
    "nox": "runs the project's own sessions (CI runs `nox`)",
    "pip install": "installs packages",
    "python3 -m pip": "installs packages",
    "python -m pip": "installs packages",
    "pytest": "runs the test suite itself",
    "python -m benchmarks": "the benchmarks take about a minute (`nox -s bench`)",
    "python -m pywats_production.spec_check": "reads a server's document (tests/test_spec_check.py)",
    "python -m pywats_production.mock": "serves until stopped (tests/cli/test_cli_demo.py)",
    "python -m pywats_production.mock.contract": "schemathesis, minutes (`nox -s contract`)",
    "wats-production mock": "serves until stopped (tests/cli/test_cli_demo.py)",
    "python -m build": "builds the distributions (tests/packaging)",
}
REPLACE = {
    "https://wats.example.com": "{url}",
    "WATS_AUTH_TOKEN=...": "WATS_AUTH_TOKEN={token}",
    "localhost:8765": "{hostport}",
}
TOKEN = "ZG9jczpzbmlwcGV0cw=="  # base64("docs:snippets"); the mock takes any token
COUNTS_MARK = "snippet-counts:"
_FENCE = re.compile(r"^```([a-z]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
_FILE = re.compile(r"^# ([\w./-]+\.py)\n")


def blocks(text: str) -> list[tuple[str, str, int]]:
    """Return ``(language, code, line)`` of every fenced block of a page, in order."""
    found = []
    for match in _FENCE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        found.append((match.group(1), match.group(2), line))
    return found


def shell_commands(code: str) -> list[str]:
    """Split a shell block into commands (continuation lines joined, comments kept)."""
    commands, current = [], ""
    for raw in code.splitlines():
        current += raw
        if current.endswith("\\"):
            current = current[:-1] + " "
            continue
        if current.strip() and not current.lstrip().startswith("#"):
            commands.append(current.strip())
        current = ""
    return commands


def classify(command: str) -> tuple[str, str]:
    """Return ``("run" | "skip", reason)`` for one shell command."""
    inner = re.match(r"^[A-Za-z_]\w*=\$\((.*)\)(\s*#.*)?$", command)
    if inner:  # VAR=$(command): the command inside decides
        return classify(inner.group(1))
    words = shlex.split(command, comments=True)
    while words and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):
        words = words[1:]
    if not words:
        return "run", "assignment"
    if words[0] == "export":
        return "export", ""
    text = " ".join(words)
    prefixes = [p for p in NOT_RUN if text == p or text.startswith(p + " ")]
    if prefixes:
        return "skip", NOT_RUN[max(prefixes, key=len)]
    if words[0] in RUN:
        return "run", ""
    raise SystemExit(f"unclassified command {command!r}: add it to RUN or NOT_RUN in {__file__}")


def main(page: Path) -> int:
    """Run the page's examples; return 0 when all pass."""
    from pywats_production import ProductionService
    from pywats_production.mock import MockAdmin, create_app, run_in_thread

    text = page.read_text(encoding="utf-8")
    counts = {"python": 0, "files": 0, "pytest_files": 0, "shell_run": 0, "shell_skipped": 0}
    app = create_app(seed="demo")
    scratch = Path(tempfile.mkdtemp(prefix="snippets-"))
    bin_dir = str(Path(sys.executable).parent)
    with run_in_thread(app) as url:
        env = {
            **os.environ,
            "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
            "WATS_BASE_URL": url,
            "WATS_AUTH_TOKEN": TOKEN,
        }
        os.environ.update(WATS_BASE_URL=url, WATS_AUTH_TOKEN=TOKEN)
        values = {"url": url, "token": TOKEN, "hostport": url.split("://", 1)[1]}

        def fill(code: str) -> str:
            for old, new in REPLACE.items():
                code = code.replace(old, new.format(**values))
            return code

        wats = ProductionService(url, TOKEN)
        admin = MockAdmin.for_url(url, TOKEN)
        namespace: dict[str, object] = {
            "__name__": "__snippet__",
            "wats": wats,
            "mock_admin": admin,
            "url": url,
            "token": TOKEN,
        }
        cwd = os.getcwd()
        os.chdir(scratch)
        try:
            for language, code, line in blocks(text):
                where = f"{page.name}:{line}"
                if language == "python":
                    named = _FILE.match(code)
                    if named:
                        target = scratch / named.group(1)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_text(fill(code), encoding="utf-8")
                        compile(code, where, "exec")
                        counts["files"] += 1
                        if target.name.startswith("test_"):
                            done = subprocess.run(
                                [
                                    sys.executable,
                                    "-m",
                                    "pytest",
                                    "-q",
                                    "-p",
                                    "no:cacheprovider",
                                    "-p",
                                    "no:randomly",
                                    str(target),
                                ],
                                cwd=scratch,
                                env=env,
                                capture_output=True,
                                text=True,
                                check=False,
                                timeout=240,
                            )
                            if done.returncode != 0:
                                print(f"{where}: pytest failed:\n{done.stdout}{done.stderr}")
                                return 1
                            counts["pytest_files"] += 1
                        continue
                    exec(compile(fill(code), where, "exec"), namespace)
                    counts["python"] += 1
                elif language == "sh":
                    # One script per block (variables carry from line to line), stopping at
                    # the first failing command; commands not run are left out.
                    script = ["set -e"]
                    for command in shell_commands(code):
                        kind, _ = classify(command)
                        if kind == "skip" or (
                            command.split()[0] == "curl" and shutil.which("curl") is None
                        ):
                            counts["shell_skipped"] += 1
                            continue
                        script.append(fill(command))
                        counts["shell_run"] += kind == "run"
                    done = subprocess.run(
                        ["sh", "-c", "\n".join(script)],
                        cwd=scratch,
                        env=env,
                        capture_output=True,
                        text=True,
                        check=False,
                        timeout=240,
                    )
                    if done.returncode != 0 or "Traceback" in done.stderr:
                        print(
                            f"{where}: the block exited {done.returncode}:\n"
                            f"{done.stdout[-2000:]}{done.stderr[-2000:]}"
                        )
                        return 1
        finally:
            os.chdir(cwd)
            wats.close()
            admin.close()
            shutil.rmtree(scratch, ignore_errors=True)
    if app.violations:
        print(f"{page.name}: contract violations: {[str(v) for v in app.violations]}")
        return 1
    print(f"{COUNTS_MARK} {json.dumps(counts)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
