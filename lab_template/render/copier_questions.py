"""What copier's questions have beyond cookiecutter.json's (which defines the questions).

lab_template/maintainer/write_copier_yml.py writes copier.yml from cookiecutter.json and this
file; lab_template/render/answers.py writes, under cookiecutter, the answers file that copier
would have written. Both need what is here, so it lives with the code that renders.
"""

from __future__ import annotations

from lab_template.render import file_kinds

# Keys that only copier has, merged into a question's entry (cookiecutter asks every question).
# `when`: copier asks the question, and records its answer, only if this is true; templates still
# get the default, and cookiecutter's answers file leaves the answer out too (answers.py). An
# answer once recorded stays recorded (see copier_when), so an answer switched off and on again
# keeps its value.
COPIER_ONLY: dict[str, dict] = {
    "slurm_account": {"when": "{{ hpc_cluster != 'none' }}"},
}


def copier_when(name: str) -> str | None:
    """The question's `when` in copier.yml: its condition, or an answer recorded already.

    copier forgets the recorded answer of a question whose `when` is false: with `hpc_cluster`
    switched to none and back, the SLURM account would be the placeholder again.
    """
    condition = COPIER_ONLY.get(name, {}).get("when")
    if condition is None:
        return None
    return "{{ (" + condition.strip()[2:-2].strip() + f") or {name} is defined" + " }}"


# Decisions that copier records in the answers file beside the answers: which of the template's
# files the repo takes. A new repo takes them all (the values below, which cookiecutter's answers
# file records); `copier copy` into a repo that exists takes its defaults from that repo
# (lab_template/adoption/answers.py). From then on every render, the old version's and the new
# one's in an update, reads them from the answers file: copier renders those two in temporary
# folders, where nothing of the repo can be seen. They are questions (copier records only the
# answers to questions it could ask), asked last and only without --defaults.
DECISIONS: dict[str, dict] = {
    "example_code": {
        "type": "bool",
        "help": (
            "Write the template's example code (a demo package, its tests, a notebook)? "
            "No for a repo with a Python project of its own"
        ),
        "new_repo": True,
    },
    "omit": {
        "type": "yaml",
        "help": (
            "The template's files and folders this repo does not take, a YAML list of paths "
            "(its own README, or what you deleted); updates never write them"
        ),
        "new_repo": [],
    },
}


def decision_exclusions() -> list[str]:
    """copier's `_exclude` entries that carry out the decisions, one pattern per line.

    `copier update` also renders these in the context of the repo's older template version,
    which may not have the decisions: then they exclude nothing.
    """
    newline = "{{ '\\n' }}"
    example_folders = "".join(
        f"/{folder}{newline}" for folder in file_kinds.example_code_folders("{{ package_name }}")
    )
    return [
        "{% if example_code is defined and not example_code %}" + example_folders + "{% endif %}",
        "{% if omit is defined %}{% for path in omit %}/{{ path }}{{ '\\n' }}{% endfor %}{% endif %}",
    ]
