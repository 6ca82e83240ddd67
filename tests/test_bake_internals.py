"""What a bake does besides rendering: the answers file, switched-off folders, the compile cache."""

from __future__ import annotations

import jinja2
import pytest

from lab_template.render import compile_cache
from lab_template.render.tree import template_folders
from support import ANSWERS_FILE, CHOICES, TEMPLATE_ROOT, bake_cookiecutter, bake_copier, run


@pytest.mark.parametrize("tool", ["cookiecutter", "copier"])
def test_switched_off_folders_are_not_left_behind(tool, tmp_path):
    answers = {"docs": "none", "hpc_cluster": "none"}
    bake = bake_cookiecutter if tool == "cookiecutter" else bake_copier
    repo = bake(tmp_path / "out", **answers)
    empty = [str(p.relative_to(repo)) for p in repo.rglob("*") if p.is_dir() and not any(p.iterdir())]
    assert empty == []
    assert not (repo / "docs").exists() and not (repo / "slurm").exists()


def test_template_folders_lists_deepest_first():
    folders = template_folders()
    assert "docs" in folders and ".github/workflows" in folders
    assert folders.index(".github/workflows") < folders.index(".github")


def test_the_answers_file_survives_baking_again_with_skip_if_file_exists(tmp_path):
    """`cookiecutter -f -s` over a repo adds what is missing and keeps its recorded answers."""
    repo = bake_cookiecutter(tmp_path / "out")
    answers = repo / ANSWERS_FILE
    recorded = answers.read_text().replace("_commit: ", "_commit: v9.9.9-")  # as a later update leaves it
    answers.write_text(recorded)
    (repo / "CHANGELOG.md").unlink()
    command = ["cookiecutter", "--no-input", "-f", "-s", "-o", tmp_path / "out", TEMPLATE_ROOT]
    run(*command, cwd=tmp_path)
    assert answers.read_text() == recorded
    assert (repo / "CHANGELOG.md").is_file()


def test_every_choice_is_recorded_in_the_answers_file(tmp_path):
    answers = {name: choices[-1] for name, choices in CHOICES.items()}
    repo = bake_cookiecutter(tmp_path / "out", **answers)
    text = (repo / ANSWERS_FILE).read_text()
    for name, value in answers.items():
        assert f"\n{name}: {value}\n" in text


# --- The compile cache ---------------------------------------------------------------------------


def _environment(tmp_path, **settings) -> jinja2.Environment:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path / "templates"), **settings)
    compile_cache.install(environment, worth_caching=lambda source: "answer" not in source)
    environment.bytecode_cache.directory = str(tmp_path / "cache")  # this test's own
    return environment


def test_the_cache_recompiles_changed_text_and_keeps_settings_apart(tmp_path):
    (tmp_path / "cache").mkdir()
    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "file.txt"
    template.write_text("{{ x }}\n")
    assert _environment(tmp_path).get_template("file.txt").render(x=1) == "1"
    # The same name and text under other syntax settings: compiled again, not taken from the cache.
    kept = _environment(tmp_path, keep_trailing_newline=True)
    assert kept.get_template("file.txt").render(x=1) == "1\n"
    assert kept.from_string("{{ x }}-{{ x }}").render(x=2) == "2-2"
    # Changed text under the same settings is compiled again, in a new environment as in a new bake.
    template.write_text("{{ x }}!\n")
    assert _environment(tmp_path).get_template("file.txt").render(x=1) == "1!"
    # A string and a file with the same name are different entries (not one that each replaces).
    before = set((tmp_path / "cache").iterdir())
    assert _environment(tmp_path).from_string("file.txt").render() == "file.txt"
    assert len(set((tmp_path / "cache").iterdir()) - before) == 1
    assert _environment(tmp_path).get_template("file.txt").render(x=3) == "3!"


def test_the_cache_leaves_out_what_is_not_worth_caching(tmp_path):
    (tmp_path / "cache").mkdir()
    (tmp_path / "templates").mkdir()
    environment = _environment(tmp_path)
    environment.from_string("{{ 1 + 1 }}").render()
    cached = set((tmp_path / "cache").iterdir())
    assert len(cached) == 1
    assert environment.from_string("an answer {{ 1 }}").render() == "an answer 1"
    assert set((tmp_path / "cache").iterdir()) == cached


def test_a_cache_that_cannot_be_read_or_written_only_means_compiling(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "file.txt").write_text("{{ x }}")
    environment = _environment(tmp_path)
    (tmp_path / "cache").write_text("not a folder")
    assert environment.get_template("file.txt").render(x=1) == "1"
    assert environment.from_string("{{ x }}+").render(x=1) == "1+"
