"""The template's own test suite: it runs from any folder, and what its workers share is made once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from fnmatch import fnmatch

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


# --- The quick tier ------------------------------------------------------------------------------

# Each kind of file in the template, by its path (the first pattern that matches wins; a
# generated file's path without its Jinja condition, the package folder as `package`), and
# quick tests that check it: `python -m pytest -m "not slow"` runs them all.
KINDS = [
    ("questions and their rules",
     ["cookiecutter.json", "copier.yml", "lab_template/*validation.py", "lab_template/*stdlib_names.py",
      "lab_template/*write_copier_yml.py"],
     ["test_template_repo.py::test_copier_yml_is_generated_from_cookiecutter_json",
      "test_answers.py::test_a_refused_answer_stops_with_one_line_and_writes_nothing",
      "test_questions.py::test_every_question_is_checked_as_soon_as_it_is_answered"]),
    ("licences",
     ["lab_template/*licenses/*", "lab_template/*license_texts.py", "package/LICENSE"],
     ["test_bake.py::test_every_licence_bakes_its_real_text"]),
    ("the cluster table and the job scripts",
     ["lab_template/*clusters.py", "package/slurm/*", "package/slurm_log/*"],
     ["test_slurm.py::test_job_scripts_ask_what_the_cluster_table_says",
      "test_slurm.py::test_job_scripts_pass_bash_n_and_shellcheck"]),
    ("updates and adoption",
     ["lab_template/adoption/*", "lab_template/tasks/*",
      "lab_template/*file_kinds.py", "package/tools/template_update.py",
      "package/.github/workflows/template-update.yml", "tests/fixtures/*",
      "lab_template/*template-update-requirements.in", "package/tools/template-update-requirements.txt"],
     ["test_copier.py::test_update_brings_template_changes_and_keeps_user_edits",
      "test_adoption.py::test_adoption_refuses_before_writing_anything",
      "test_decisions.py::test_a_repo_with_code_of_its_own_takes_no_example_code_and_keeps_its_starter_files",
      "test_workflows.py::test_template_update_workflow_keeps_the_write_token_from_the_templates_code",
      "test_workflows.py::test_template_update_requirements_are_pinned_with_hashes"]),
    ("the pins' maintenance",
     ["lab_template/*bump_pins.py", "tests/data/github-api/*"],
     ["test_bump_pins.py::test_bump_pins_moves_every_pin_to_the_newest_release"]),
    ("the rendering code",
     ["lab_template/*.py", "hooks/*"],
     ["test_bake.py::test_every_choice_bakes_a_clean_repo",
      "test_copier.py::test_cookiecutter_and_copier_make_the_same_repo",
      "test_bake_internals.py::test_switched_off_folders_are_not_left_behind"]),
    ("GitHub workflows and settings",
     ["package/.github/*"],
     ["test_workflows.py::test_every_workflow_matches_githubs_schema",
      "test_workflows.py::test_zizmor_finds_nothing",
      "test_dev_guide.py::test_github_configs_match_their_schemas"]),
    ("the hooks",
     ["package/.pre-commit-config.yaml"],
     ["test_bake.py::test_generated_code_passes_its_own_checks",
      "test_dev_guide.py::test_pre_commit_config_keeps_itself_current"]),
    ("conda recipes",
     ["package/recipe/*", "package/tools/update_recipe.py", "tests/data/recipe-v1.schema.*"],
     ["test_recipe.py::test_recipe_has_what_conda_forge_asks_for",
      "test_recipe_v1.py::test_v1_recipe_matches_its_schema"]),
    ("the citation",
     ["package/CITATION.cff", "package/tools/update_citation.py"],
     ["test_citation.py::test_default_citation_is_valid_and_from_the_answers",
      "test_citation.py::test_update_citation_writes_the_version_and_date"]),
    ("the release script and guide",
     ["package/tools/release_check.py", "package/RELEASING.md"],
     ["test_workflows.py::test_generated_scripts_pass_ruff_and_show_help",
      "test_workflows.py::test_releasing_guide_matches_the_workflow"]),
    ("the docs",
     ["package/docs/*", "package/.readthedocs.yaml"],
     ["test_docs.py::test_readthedocs_config_is_valid_and_uses_the_newest_python",
      "test_docs.py::test_docs_none_leaves_no_docs_behind",
      "test_dev_guide.py::test_rst_hooks_find_nothing"]),
    ("Markdown",
     ["package/*.md"],
     ["test_dev_guide.py::test_markdown_and_spelling_hooks_pass_on_every_bake",
      "test_dev_guide.py::test_markdown_is_formatted"]),
    ("packaging metadata and git settings",
     ["package/pyproject.toml", "package/setup.py", "package/MANIFEST.in", "package/.git*",
      "package/package/py.typed", "package/.copier-answers.yml"],
     ["test_bake.py::test_pyproject_follows_the_handbook",
      "test_dev_guide.py::test_pyproject_is_valid_with_every_tools_schema",
      "test_bake_internals.py::test_every_choice_is_recorded_in_the_answers_file"]),
    ("Python code and notebooks",
     ["package/*.py", "package/*.ipynb"],
     ["test_bake.py::test_generated_code_passes_its_own_checks",
      "test_bake.py::test_every_choice_bakes_a_clean_repo"]),
    ("the template repository's own files",
     [".ci/run", ".github/*", ".gitignore", "README.md", "CHANGELOG.md", "LICENSE", "pyproject.toml",
      "requirements-test.txt"],
     ["test_template_repo.py::test_ci_runs_the_readme_test_command",
      "test_template_repo.py::test_the_template_code_passes_ruff",
      "test_workflows.py::test_template_workflows_pass_the_checks_of_the_generated_ones"]),
    ("the test suite and its stand-ins",
     ["tests/*"],
     ["test_suite.py::test_of_two_workers_asking_at_once_one_makes_the_thing",
      "test_user_side.py::test_an_action_without_a_stand_in_is_named",
      "test_user_side.py::test_a_hook_without_a_pypi_equivalent_is_named"]),
    ("the benchmark",
     ["benchmarks/*"],
     ["test_suite.py::test_the_benchmark_prints_its_table"]),
]  # fmt: skip
JINJA_CONDITION = re.compile(r"\{%.*?%\}")


def kind_of(path: str) -> str | None:
    """The kind of a file of the template, by its path in the repository."""
    path = JINJA_CONDITION.sub("", path).replace("{{cookiecutter.package_name}}", "package")
    path = re.sub(r"\{\{ _copier_conf\.answers_file.*\}\}$", ".copier-answers.yml", path)
    return next((kind for kind, patterns, _ in KINDS if any(fnmatch(path, p) for p in patterns)), None)


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """The test ids of the whole suite, in the order they run, and those of the slow tests."""
    tmp_path = tmp_path_factory.mktemp("collect")

    def ids(*options):
        listed = run(*nested_pytest(tmp_path, "--collect-only", "-q", "-n", "0", *options), cwd=TESTS)
        return [line.removeprefix("tests/") for line in listed.stdout.splitlines() if "::" in line]

    return type("Collected", (), {"all": ids(), "slow": ids("-m", "slow")})


def test_the_quick_tier_checks_every_kind_of_template_file(collected):
    files = run("git", "ls-files", cwd=TEMPLATE_ROOT).stdout.splitlines()
    assert not [path for path in files if kind_of(path) is None], "add these to a kind in KINDS"
    quick = {test.partition("[")[0] for test in set(collected.all) - set(collected.slow)}
    wanted = {test for _, _, tests in KINDS for test in tests}
    assert not wanted - quick, "not in the quick tier (slow, or renamed)"
    assert 'python -m pytest -m "not slow"' in (TEMPLATE_ROOT / "README.md").read_text()


def test_slow_fixtures_make_a_test_slow_and_the_slow_tests_run_first(collected):
    # released_repo makes a test slow without a mark of its own.
    assert "test_release.py::test_twine_check_passes" in collected.slow
    assert collected.all[: len(collected.slow)] == collected.slow


def test_the_benchmark_prints_its_table(capsys):
    """benchmarks/bench.py's table: each side's median and the median of the pairs' ratios (not
    the ratio of the medians)."""
    sys.path.insert(0, str(TEMPLATE_ROOT / "benchmarks"))
    try:
        import bench
    finally:
        sys.path.remove(str(TEMPLATE_ROOT / "benchmarks"))
    bench.print_table("Step", [("`nox -s tests`, cold", 3, [1.0, 2.0, 9.0], [2.0, 1.0, 3.0])])
    assert capsys.readouterr().out.splitlines()[2] == "| `nox -s tests`, cold | 3 | 2.000 | 2.000 | 2.00 |"
    assert "--flow-pairs" in run(sys.executable, TEMPLATE_ROOT / "benchmarks" / "bench.py", "--help").stdout
