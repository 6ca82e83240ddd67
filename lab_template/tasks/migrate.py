"""Steps that copier's migrations run in a repo being updated (see `_migrations` in copier.yml).

    python lab_template/tasks/migrate.py rename-answer OLD NEW

renames a recorded answer in `.copier-answers.yml`, so that a question renamed in the template
keeps the user's answer.

    python lab_template/tasks/migrate.py replace-answer QUESTION OLD NEW

rewrites a recorded answer OLD, a choice that the template no longer offers, as NEW, its
equivalent (copier would drop OLD and take the question's default). Nothing changes when the
recorded answer is another, so the step may run at every update.

    python lab_template/tasks/migrate.py retire-clusters

moves a repo whose `hpc_cluster` is a retired cluster (RETIRED in lab_template/render/clusters.py)
to its successor, and prints one line that starts with "changed ", saying what changed and what
to check (tools/template_update.py of a generated repo puts it in the pull request).

Run them in the "before" stage: copier renders the old version with the answers as they were,
reads them again after that stage, and renders the new version with them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script, by its path

from lab_template.render.clusters import CLUSTERS, RETIRED

ANSWERS_FILE = Path(".copier-answers.yml")


def read_answers() -> tuple[str, dict]:
    """The answers file's comment header, and its answers."""
    text = ANSWERS_FILE.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    return header, yaml.safe_load(text)


def write_answers(header: str, answers: dict) -> None:
    ANSWERS_FILE.write_text(
        header + yaml.safe_dump(answers, sort_keys=True, allow_unicode=True), encoding="utf-8"
    )


def rename_answer(old: str, new: str) -> None:
    header, answers = read_answers()
    if old in answers and new not in answers:
        answers[new] = answers.pop(old)
    write_answers(header, answers)


def replace_answer(question: str, old: str, new: str) -> None:
    header, answers = read_answers()
    if answers.get(question) == old:
        answers[question] = new
        write_answers(header, answers)


def retire_clusters() -> str | None:
    """Move a retired hpc_cluster to its successor; the line that says so, or None."""
    header, answers = read_answers()
    old = answers.get("hpc_cluster")
    if old not in RETIRED:
        return None
    retired = RETIRED[old]
    new = retired["successor"]
    answers["hpc_cluster"] = new
    write_answers(header, answers)
    successor = CLUSTERS[new]
    account = answers.get("slurm_account", "your project")
    return (
        f"changed hpc_cluster: {old} -> {new}: {retired['name']}'s computing shut down on "
        f"{retired['shut_down']} and {successor['name']} replaces it. slurm/ and the README's section "
        f"on the cluster now use {successor['name']}'s: GPU jobs on the {successor['gpu_partition']} "
        f"partition ({successor['gpu_request']}, {successor['cpus_per_gpu']} cores, {successor['mem']}), "
        f"submitted from {successor['login_host']}, CPU-only runs on {successor['cpu_partition']}. "
        f"Check that {successor['name']} is a service of your project {account} (a project of "
        f"{retired['name']}'s can add it: {retired['moving']}) and that these partitions suit your "
        f"jobs, then make the venv again on {successor['name']} as the README says"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    rename = commands.add_parser("rename-answer", help="rename a recorded answer")
    rename.add_argument("old")
    rename.add_argument("new")
    replace = commands.add_parser("replace-answer", help="rewrite a recorded answer as its equivalent")
    replace.add_argument("question")
    replace.add_argument("old")
    replace.add_argument("new")
    commands.add_parser("retire-clusters", help="move a retired hpc_cluster to its successor")
    arguments = parser.parse_args()
    if arguments.command == "rename-answer":
        rename_answer(arguments.old, arguments.new)
    elif arguments.command == "replace-answer":
        replace_answer(arguments.question, arguments.old, arguments.new)
    elif line := retire_clusters():
        print(line, file=sys.stderr)


if __name__ == "__main__":
    main()
