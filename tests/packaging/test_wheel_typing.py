"""The built wheel is typed for its users: `mypy --strict` on user code in a fresh venv.

Builds the wheel, installs it (with mypy) in a fresh virtual environment, and type-checks
programs/good_program.py (must be clean), the README's Python examples (must be clean)
and programs/bad_program.py, whose lines marked ``# expect: [code]`` must each get an
error with that code while no other line gets any. To add a wrong call, add a line with
its marker to bad_program.py; nothing here changes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import REPO, run

pytestmark = pytest.mark.slow

PROGRAMS = Path(__file__).parent / "programs"
_EXPECT = re.compile(r"#\s*expect:\s*((?:\[[a-z-]+\]\s*)+)$")
_ERROR = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+): error: (?P<text>.*?)\s+\[(?P<code>[a-z-]+)\]$"
)


def expected_errors(path: Path) -> dict[int, set[str]]:
    """Map line number -> error codes from the ``# expect: [code]`` markers."""
    expected: dict[int, set[str]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = _EXPECT.search(line)
        if match:
            expected[number] = set(re.findall(r"\[([a-z-]+)\]", match.group(1)))
    return expected


def mypy_errors(python: Path, workdir: Path, *files: str) -> dict[str, dict[int, set[str]]]:
    """Run ``mypy --strict`` of the user venv on ``files``; errors by file, line, code."""
    result = run(
        python,
        "-m",
        "mypy",
        "--strict",
        "--no-incremental",
        "--no-pretty",
        "--no-color-output",
        "--show-error-codes",
        *files,
        cwd=workdir,
    )
    errors: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for line in result.stdout.splitlines():
        match = _ERROR.match(line)
        if match:
            errors[match["file"]][int(match["line"])].add(match["code"])
    # Exit 0 with no error, 1 with errors; 2 is a crash or a usage error of mypy itself.
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert bool(errors) == (result.returncode == 1), result.stdout
    return errors


def readme_examples() -> list[str]:
    """The README's Python examples that are programs (not the files for users to save)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    # A block starting with "# name.py" is a file for the reader to save (a pytest file,
    # a handler script): not a program of its own.
    return [b for b in blocks if not re.match(r"# [\w./-]+\.py\n", b)]


@pytest.fixture(scope="module")
def checked(
    user_venv: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[int, set[str]]]:
    workdir = tmp_path_factory.mktemp("user-code")
    names = ["good_program.py", "bad_program.py"]
    for name in names:
        (workdir / name).write_text((PROGRAMS / name).read_text(encoding="utf-8"), encoding="utf-8")
    for index, block in enumerate(readme_examples(), 1):
        name = f"readme_example_{index}.py"
        (workdir / name).write_text(block, encoding="utf-8")
        names.append(name)
    return mypy_errors(user_venv, workdir, *names)


def test_the_wheel_is_installed_with_its_py_typed_markers(user_venv: Path) -> None:
    code = (
        "import pathlib, pywats_production, pywats_production_api\n"
        "for m in (pywats_production, pywats_production_api):\n"
        "    p = pathlib.Path(m.__file__).parent\n"
        "    print(p, (p / 'py.typed').is_file())\n"
    )
    result = run(user_venv, "-c", code, cwd=user_venv.parent)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    venv_root = user_venv.parent.parent
    for line in lines:
        where, typed = line.rsplit(" ", 1)
        # Imported from the venv's site-packages, not from this checkout.
        assert Path(where).is_relative_to(venv_root), where
        assert typed == "True", line


def test_a_correct_user_program_is_clean(checked: dict[str, dict[int, set[str]]]) -> None:
    assert dict(checked.get("good_program.py", {})) == {}


def test_the_readme_examples_are_clean(checked: dict[str, dict[int, set[str]]]) -> None:
    assert len(readme_examples()) >= 3  # sync, async, configuration
    flagged = {f: dict(e) for f, e in checked.items() if f.startswith("readme_example_")}
    assert flagged == {}


def test_every_wrong_call_is_flagged_with_its_code(checked: dict[str, dict[int, set[str]]]) -> None:
    expected = expected_errors(PROGRAMS / "bad_program.py")
    assert len(expected) >= 30
    assert len(set().union(*expected.values())) >= 9  # distinct mypy error codes
    got = dict(checked.get("bad_program.py", {}))
    missing = {line: codes - got.get(line, set()) for line, codes in expected.items()}
    assert {line: codes for line, codes in missing.items() if codes} == {}, "not flagged"
    unexpected = {line: codes for line, codes in got.items() if line not in expected}
    assert unexpected == {}, "flagged, but not marked # expect:"
