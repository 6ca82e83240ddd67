"""Write copier.yml from cookiecutter.json, the one place where the questions are defined.

Run ``python lab_template/maintainer/write_copier_yml.py`` after changing cookiecutter.json; with
``--check`` it only exits 1 if copier.yml is out of date (a test runs that). What only copier
has (keys such as ``when``, and the decisions it records beside the answers) is in
lab_template/render/copier_questions.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lab_template.render.copier_questions import COPIER_ONLY, DECISIONS, copier_when, decision_exclusions

HEADER = """\
# Generated from cookiecutter.json by lab_template/maintainer/write_copier_yml.py: edit those, not this.
# Run with copier >= 9.6, copier-template-extensions and --trust (the Jinja extensions below are
# Python code from this repository); adopting an existing repo also needs tomlkit, build and
# prek where copier runs.
"""

SETTINGS = {
    # 9.6: `_copier_operation`, which keeps the adoption task out of updates.
    "_min_copier_version": "9.6.0",
    # The same template tree as cookiecutter's; every file in it is a Jinja template.
    "_subdirectory": "{% raw %}{{cookiecutter.package_name}}{% endraw %}",
    "_templates_suffix": "",
    "_answers_file": ".copier-answers.yml",
    "_envops": {"keep_trailing_newline": True},
    "_jinja_extensions": [
        "copier_template_extensions.TemplateExtensionLoader",
        "lab_template/render/extensions.py:LabExtension",
        "lab_template/render/copier_namespace.py:CookiecutterNamespace",
        # Refuses to adopt a folder that adoption could damage, before anything is written.
        "lab_template/adoption/guard.py:RefuseUnsafeAdoption",
    ],
    # Leave out the folders whose files are all switched off, which cookiecutter's post-gen hook
    # removes (lab_template/render/tree.py), and what the recorded decisions leave out; one
    # pattern per line, anchored at the project root. `copier update` also renders these with the
    # repo's older template version, which may not have switched_off_dirs or the decisions.
    "_exclude": [
        (
            "{% if switched_off_dirs is defined %}{% for folder in switched_off_dirs() %}"
            "/{{ folder }}{{ '\\n' }}{% endfor %}{% endif %}"
        ),
        *decision_exclusions(),
    ],
    # The last line of an update: what to do next, or, if it left conflicts, copier's error
    # (exit status 1) saying so (lab_template/render/copier_checks.py).
    "_message_after_update": "{{ update_outcome(_copier_conf.dst_path) }}",
    "_tasks": [
        # Adoption of an existing repo (lab_template/tasks/adopt.py): merge, check, then say what
        # happened. Outside git there is nothing to adopt, and no need to start a process to find
        # that out.
        {
            "command": ["{{ _copier_python }}", "{{ _copier_conf.src_path }}/lab_template/tasks/adopt.py"],
            "when": "{{ _copier_operation == 'copy' and in_git_repo(_copier_conf.dst_path) }}",
        },
    ],
}


# The first step of every update, whatever the versions: a repo made before the answers file
# recorded which of the template's files it takes gets them recorded, as they were when it took
# the template (lab_template/tasks/record_decisions.py); copier reads the answers again after.
RECORD_DECISIONS = {
    "command": ["{{ _copier_python }}", "{{ _copier_conf.src_path }}/lab_template/tasks/record_decisions.py"],
    "when": "{{ _stage == 'before' }}",
}
# copier's migrations, which `copier update` runs (the README's "Questions" says when a release
# needs one, and how to write it): each names the first version that needs it, and a stage.
MIGRATIONS: list[dict] = []
# Answers that the template no longer offers, rewritten as their equivalents before the update
# renders the new version (copier would drop them and take the default). No version: each
# changes nothing unless the repo recorded the old answer, so it runs at every update.
REPLACED_ANSWERS = [
    # docs=sphinx published the docs on GitHub Pages (and shipped a Read the Docs config too).
    ("docs", "sphinx", "pages"),
]
# Before every update, whatever the versions: a repo whose cluster was retired moves to its
# successor, with a line that says so (RETIRED in lab_template/render/clusters.py); copier would
# otherwise drop the answer, no longer a choice, and take the default.
RETIRE_CLUSTERS = {
    "command": [
        "{{ _copier_python }}",
        "{{ _copier_conf.src_path }}/lab_template/tasks/migrate.py",
        "retire-clusters",
    ],
    "when": "{{ _stage == 'before' }}",
}
# The last "before" step of every update: a line for each recorded answer that the new version
# refuses, and that copier will replace by its default (lab_template/tasks/update_report.py).
REFUSED_ANSWERS = {
    "command": [
        "{{ _copier_python }}",
        "{{ _copier_conf.src_path }}/lab_template/tasks/update_report.py",
        "before",
    ],
    "when": "{{ _stage == 'before' }}",
}
# The last step of every update, whatever the versions: record what the user deleted, move a
# renamed package's modules, keep the user's changed files that the update deleted, and list the
# conflicts (lab_template/tasks/update_report.py). Under --quiet copier prints no closing
# message: the step then fails the update itself when it left conflicts.
UPDATE_REPORT = {
    "command": [
        "{{ _copier_python }}",
        "{{ _copier_conf.src_path }}/lab_template/tasks/update_report.py",
        "{{ _copier_conf.quiet }}",
    ],
    "when": "{{ _stage == 'after' }}",
}


def answer_replacements() -> list[dict]:
    """The before-stage migrations of REPLACED_ANSWERS (lab_template/tasks/migrate.py replace-answer)."""
    script = "{{ _copier_conf.src_path }}/lab_template/tasks/migrate.py"
    return [
        {
            "command": ["{{ _copier_python }}", script, "replace-answer", question, old, new],
            "when": "{{ _stage == 'before' }}",
        }
        for question, old, new in REPLACED_ANSWERS
    ]


def from_the_repo(name: str, default: str) -> str:
    """A copier default: what an existing repo says (lab_template/adoption/answers.py), else the usual."""
    usual = default[2:-2].strip() if default.startswith("{{") else json.dumps(default)
    return f"{{{{ repo_says(_copier_conf.dst_path).get({name!r}) or ({usual}) }}}}"


def copier_questions(cookiecutter: dict) -> dict:
    prompts = cookiecutter.get("__prompts__", {})
    if unknown := sorted(set(COPIER_ONLY) - set(cookiecutter)):
        raise SystemExit(f"COPIER_ONLY names what cookiecutter.json does not ask: {', '.join(unknown)}")
    questions = {}
    for name, value in cookiecutter.items():
        if name.startswith("_"):
            continue
        question = {"type": "str", "help": prompts.get(name, name)}
        if isinstance(value, list):
            question["choices"] = value
            question["default"] = value[0]
            if name == "license":
                # A repo that adopts the template keeps its own licence, also one the template
                # has no text for; its updates find it in the answers (lab_template/adoption/answers.py).
                question["choices"] = (
                    "{{ license_choices(_copier_conf.dst_path, license if license is defined else none, "
                    "omit if omit is defined else []) | tojson }}"
                )
        else:
            # Defaults may refer to earlier answers; copier names them without the prefix.
            question["default"] = value.replace("cookiecutter.", "")
        question["default"] = from_the_repo(name, question["default"])
        question["validator"] = f"{{{{ answer_error({name!r}, {name}) }}}}"
        questions[name] = {**question, **COPIER_ONLY.get(name, {})}
        if when := copier_when(name):
            questions[name]["when"] = when
    for name, decision in DECISIONS.items():
        questions[name] = {
            "type": decision["type"],
            "help": decision["help"],
            "default": f"{{{{ repo_says(_copier_conf.dst_path).get({name!r}, {decision['new_repo']!r}) | tojson }}}}",
            "validator": f"{{{{ answer_error({name!r}, {name}) }}}}",
        }
    return questions


def render() -> str:
    cookiecutter = json.loads((ROOT / "cookiecutter.json").read_text(encoding="utf-8"))
    body = yaml.safe_dump(
        {
            **SETTINGS,
            "_migrations": [
                RECORD_DECISIONS,
                *answer_replacements(),
                RETIRE_CLUSTERS,
                *MIGRATIONS,
                REFUSED_ANSWERS,
                UPDATE_REPORT,
            ],
            **copier_questions(cookiecutter),
        },
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    return HEADER + "\n" + body


def main(argv: list[str]) -> int:
    target = ROOT / "copier.yml"
    text = render()
    if "--check" in argv:
        if target.read_text(encoding="utf-8") != text:
            print(
                "copier.yml is out of date: run python lab_template/maintainer/write_copier_yml.py",
                file=sys.stderr,
            )
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
