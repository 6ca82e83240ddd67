"""The template's own test suite: it runs from any folder, and what its workers share is made once."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from support import MADE_LOG, RUN_DIR_VARIABLE, TEMPLATE_ROOT, once_per_run, run

TESTS = TEMPLATE_ROOT / "tests"
# A test that bakes with pytest-cookies' --template (which pyproject.toml used to give relative
# to the working folder).
NEEDS_THE_TEMPLATE = "test_bake.py::test_default_bake_is_valid"


def nested_pytest(tmp_path, *args) -> list:
    """A pytest of its own: its temporary files in tmp_path, no cache written into the checkout."""
    return [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        f"--basetemp={tmp_path / 'pytest'}",
        *args,
    ]


@pytest.mark.parametrize("where", ["tests", "elsewhere"])
def test_the_tests_run_from_any_folder(where, tmp_path):
    if where == "tests":
        run(*nested_pytest(tmp_path, "-n", "0", NEEDS_THE_TEMPLATE), cwd=TESTS)
    else:
        run(*nested_pytest(tmp_path, "-n", "0", TESTS / NEEDS_THE_TEMPLATE), cwd=tmp_path)


def test_of_two_workers_asking_at_once_one_makes_the_thing(tmp_path):
    """support.once_per_run in two processes that ask at once: one makes, the other waits for it."""
    script = (
        "import time, support\n"
        "def make(folder):\n"
        "    time.sleep(1)\n"  # long enough for the other process to ask meanwhile
        "    (folder / 'made').touch()\n"
        "assert (support.once_per_run('thing', make) / 'made').exists()\n"
    )
    env = {**os.environ, RUN_DIR_VARIABLE: str(tmp_path), "PYTHONPATH": str(TESTS)}
    workers = [subprocess.Popen([sys.executable, "-c", script], env=env) for _ in range(2)]
    assert [worker.wait(timeout=60) for worker in workers] == [0, 0]
    assert (tmp_path / MADE_LOG).read_text().split() == ["thing"]


def test_a_thing_that_could_not_be_made_fails_every_test_that_asks(tmp_path, monkeypatch):
    monkeypatch.setenv(RUN_DIR_VARIABLE, str(tmp_path))

    def make(folder):
        raise OSError("no space left")

    for _ in range(2):
        with pytest.raises((OSError, RuntimeError), match="no space left"):
            once_per_run("thing", make)
    assert (tmp_path / MADE_LOG).read_text().split() == ["thing"]


def test_a_run_that_made_something_twice_fails(tmp_path):
    """conftest.py's check at the end of the run, under pytest-xdist: every test passes, yet the
    run fails, naming what was made twice."""
    (tmp_path / "test_twice.py").write_text(
        "import os\n"
        "from pathlib import Path\n"
        "from support import MADE_LOG, RUN_DIR_VARIABLE\n"
        "def test_writes_the_log_as_two_makings_would():\n"
        "    (Path(os.environ[RUN_DIR_VARIABLE]) / MADE_LOG).write_text('docs-venv\\ndocs-venv\\n')\n"
    )
    # The template's conftest.py as a plugin, its settings left out: the test file is elsewhere.
    result = run(
        *nested_pytest(tmp_path, "-p", "conftest", "-n", "2", "-c", os.devnull, f"--rootdir={tmp_path}"),
        tmp_path / "test_twice.py",
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": os.pathsep.join([str(TEMPLATE_ROOT), str(TESTS)])},
        check=False,
    )  # fmt: skip
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert "error: made more than once in this run: docs-venv" in result.stdout
