"""The README's steps to add a cluster and a licence, followed on a copy of the template.

The places each step edits are read from the README ("Questions"), so the test fails if the
README and the template drift apart: a step that names a place this test does not know, or a
place that is not enough for both tools to bake the new choice.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from pathlib import Path

import pytest
import yaml

from lab_template.render.clusters import CLUSTERS
from support import TEMPLATE_ROOT, assert_repo_valid, bake_cookiecutter, bake_copier, git_commit_all, run
from test_copier import make_template_repo

README = (TEMPLATE_ROOT / "README.md").read_text(encoding="utf-8")

NEW_CLUSTER = "kaivos"
NEW_CLUSTER_SETTINGS = {
    "name": "Kaivos",
    "docs": "https://docs.example.org/kaivos/batch-jobs/",
    "account_example": "project_kaivos",
    "login_host": "kaivos.example.org",
    "scratch": "/scratch/{account}/$USER",
    "gpu_partition": "gpu-kaivos",
    "cpu_partition": "cpu-kaivos",
    "gpu_request": "--gres=gpu:1",
    "no_gpu": "--gres=none",
    "cpus_per_gpu": "16",
    "mem": "64G",
    "time": "05:00:00",
    "cpu_cores": "4",
    "cpu_mem": "8G",
    "environment": "module load python-data",
    "environment_docs": "https://docs.example.org/kaivos/python/",
    "environment_note": "",
    "container": "",
    "venv_options": "--system-site-packages",
    "slurm_cluster": "",
    "cpu_login_host": "",
}
NEW_LICENCE = "0BSD"
# The BSD Zero Clause License, with choosealicense.com's placeholders.
NEW_LICENCE_TEXT = """\
BSD Zero Clause License

Copyright (c) [year] [fullname]

Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted.

THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES WITH
REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF MERCHANTABILITY
AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR ANY SPECIAL, DIRECT,
INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES WHATSOEVER RESULTING FROM
LOSS OF USE, DATA OR PROFITS, WHETHER IN AN ACTION OF CONTRACT, NEGLIGENCE OR
OTHER TORTIOUS ACTION, ARISING OUT OF OR IN CONNECTION WITH THE USE OR
PERFORMANCE OF THIS SOFTWARE.
"""


def readme_step(kind: str) -> str:
    """The README's list item for one kind of change ("A cluster"), on one line."""
    match = re.search(rf"^- \*\*{kind}\*\*: (.*?)(?=^- |^$)", README, flags=re.MULTILINE | re.DOTALL)
    assert match, f"the README has no step for {kind!r}"
    return " ".join(match.group(1).split())


def places(step: str) -> list[str]:
    """The files a step names, in its order."""
    return [name for name in re.findall(r"`([^`]+)`", step) if re.search(r"\.(json|py|txt)$", name)]


def regenerate_command() -> list[str]:
    """What the README says to run after each change, with this Python."""
    match = re.search(r"no other; then run\s+`(python [^`]+)`", README)
    assert match, "the README no longer says what to run after a change"
    return [sys.executable, *shlex.split(match.group(1))[1:]]


def add_cluster_entry(template: Path) -> None:
    clusters = template / "lab_template" / "render" / "clusters.py"
    text = clusters.read_text(encoding="utf-8")
    assert text.count("\nCLUSTERS: dict[str, dict[str, str]] = {\n") == 1
    # Every key the table's entries have (the first one's values for a key added after this test).
    keys = {key: NEW_CLUSTER_SETTINGS.get(key, value) for key, value in next(iter(CLUSTERS.values())).items()}
    settings = "".join(f"        {key!r}: {value!r},\n" for key, value in keys.items())
    entry = f'    "{NEW_CLUSTER}": {{\n{settings}    }},\n'.replace("'", '"')
    start = text.index("\nCLUSTERS: dict")
    end = text.index("\n}\n", start) + 1  # the table's closing brace
    clusters.write_text(text[:end] + entry + text[end:], encoding="utf-8")


def add_choice(template: Path, question: str, choice: str) -> None:
    """A choice of cookiecutter.json's question, before "none" where the choices end with it."""
    path = template / "cookiecutter.json"
    questions = json.loads(path.read_text(encoding="utf-8"))
    choices = questions[question]
    choices.insert(len(choices) - (choices[-1] == "none"), choice)
    path.write_text(json.dumps(questions, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# What each place the README names means, for each step.
CLUSTER_EDITS = {
    "lab_template/render/clusters.py": add_cluster_entry,
    "cookiecutter.json": lambda template: add_choice(template, "hpc_cluster", NEW_CLUSTER),
}
LICENCE_EDITS = {
    "lab_template/render/licenses/<SPDX id>.txt": lambda template: (
        template / "lab_template" / "render" / "licenses" / f"{NEW_LICENCE}.txt"
    ).write_text(NEW_LICENCE_TEXT, encoding="utf-8"),
    "cookiecutter.json": lambda template: add_choice(template, "license", NEW_LICENCE),
}


def follow(kind: str, edits: dict, template: Path) -> None:
    step = readme_step(kind)
    assert places(step) == list(edits), f"the README's step for {kind!r} names other places: {step}"
    for place in places(step):
        edits[place](template)
    run(*regenerate_command(), cwd=template)


def test_the_readme_names_the_places_this_test_follows():
    assert places(readme_step("A cluster")) == list(CLUSTER_EDITS)
    assert "`CLUSTERS` of `lab_template/render/clusters.py`" in readme_step("A cluster")
    assert "the `hpc_cluster` choices in `cookiecutter.json`, before `none`" in readme_step("A cluster")
    assert places(readme_step("A licence")) == list(LICENCE_EDITS)
    assert "the `license` choices in `cookiecutter.json`" in readme_step("A licence")


@pytest.fixture(scope="module")
def template_with_a_new_cluster_and_licence(tmp_path_factory):
    template = make_template_repo(tmp_path_factory.mktemp("adding") / "template")
    follow("A cluster", CLUSTER_EDITS, template)
    follow("A licence", LICENCE_EDITS, template)
    git_commit_all(template, f"Add the {NEW_CLUSTER} cluster and the {NEW_LICENCE} licence")
    return template


@pytest.mark.parametrize("tool", ["cookiecutter", "copier"])
def test_both_tools_bake_the_new_cluster_and_licence(tool, template_with_a_new_cluster_and_licence, tmp_path):
    template = template_with_a_new_cluster_and_licence
    answers = {"hpc_cluster": NEW_CLUSTER, "license": NEW_LICENCE, "author_name": "Ada Lovelace"}
    bake = bake_copier if tool == "copier" else bake_cookiecutter
    repo = bake(tmp_path / tool, template=template, **answers)

    assert_repo_valid(repo)
    recorded = yaml.safe_load((repo / ".copier-answers.yml").read_text())
    assert recorded["hpc_cluster"] == NEW_CLUSTER and recorded["license"] == NEW_LICENCE
    licence = (repo / "LICENSE").read_text()
    assert licence.startswith("BSD Zero Clause License\n\nCopyright (c) 20")
    assert licence.endswith(NEW_LICENCE_TEXT.split("[fullname]\n", 1)[1])
    assert "Ada Lovelace\n" in licence and "[year]" not in licence
    assert f'license = "{NEW_LICENCE}"' in (repo / "pyproject.toml").read_text()
    run_job = (repo / "slurm" / "run_job.sh").read_text()
    assert "#SBATCH --partition=gpu-kaivos\n" in run_job
    assert "#SBATCH --gres=gpu:1\n" in run_job and "#SBATCH --mem=64G\n" in run_job
    readme = (repo / "README.md").read_text()
    assert "## Running on Kaivos\n" in readme and "ssh <username>@kaivos.example.org" in readme
    run("shellcheck", *sorted((repo / "slurm").glob("*.sh")))


def test_the_template_tests_take_the_new_cluster_and_licence(template_with_a_new_cluster_and_licence):
    """The template's own tests of its sources, unedited, pass in the copy and cover the new choices."""
    # Each file's tests to run, and the new choice that must be among their cases.
    selection = {
        "tests/test_template_repo.py": ("cluster or licence or choices or ruff or copier_yml", ""),
        "tests/test_bake.py": ("licence", NEW_LICENCE),
        "tests/test_adoption.py": ("recognised", NEW_LICENCE),
        "tests/test_slurm.py": (f"{NEW_CLUSTER} and (shellcheck or table or readme_explains)", NEW_CLUSTER),
    }
    for test_file, (keywords, new_case) in selection.items():
        result = run(
            sys.executable, "-m", "pytest", "-n", "0", "-p", "no:cacheprovider", "-q", "--no-header",
            test_file, "-k", keywords, "-rA",
            cwd=template_with_a_new_cluster_and_licence,
        )  # fmt: skip
        passed = re.findall(r"^PASSED (\S+)", result.stdout, flags=re.MULTILINE)
        assert passed and " failed" not in result.stdout, result.stdout
        assert not new_case or any(name.endswith(f"[{new_case}]") for name in passed), passed


def test_a_choice_without_its_table_entry_stops_the_bake_with_the_reason(tmp_path):
    """Half of the cluster step: the bake fails and names the missing entry, instead of writing
    `#SBATCH --partition=`."""
    template = make_template_repo(tmp_path / "template")
    add_choice(template, "hpc_cluster", NEW_CLUSTER)
    run(*regenerate_command(), cwd=template)
    git_commit_all(template, "A cluster among the choices only")
    bakes = {
        "cookiecutter": [sys.executable, "-m", "cookiecutter", "--no-input", "-o", tmp_path / "cc", template,
                         f"hpc_cluster={NEW_CLUSTER}"],
        "copier": ["copier", "copy", "--trust", "--defaults", "--vcs-ref=HEAD", f"--data=hpc_cluster={NEW_CLUSTER}",
                   template, tmp_path / "cp"],
    }  # fmt: skip
    for tool, command in bakes.items():
        result = run(*command, cwd=tmp_path, check=False)
        assert result.returncode != 0, tool
        assert f"no cluster '{NEW_CLUSTER}' in lab_template/render/clusters.py" in result.stderr, tool
