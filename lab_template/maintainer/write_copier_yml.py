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

from lab_template.render.copier_questions import COPIER_ONLY, DECISIONS, decision_exclusions

HEADER = """\
# Generated from cookiecutter.json by lab_template/maintainer/write_copier_yml.py: edit those, not this.
# Run with copier >= 9.6, copier-template-extensions and --trust (the Jinja extensions below are
# Python code from this repository); adopting an existing repo also needs tomlkit, build and
# pre-commit where copier runs.
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


# copier's migrations, which `copier update` runs (the README's "Questions" says when a release
# needs one, and how to write it): each names the first version that needs it, and a stage.
MIGRATIONS: list[dict] = []
# The last step of every update, whatever the versions: keep the user's changed files that the
# update deleted, and list the conflicts (lab_template/tasks/update_report.py).
UPDATE_REPORT = {
    "command": ["{{ _copier_python }}", "{{ _copier_conf.src_path }}/lab_template/tasks/update_report.py"],
    "when": "{{ _stage == 'after' }}",
}


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
                # has no text for (lab_template/adoption/answers.py).
                question["choices"] = "{{ license_choices(_copier_conf.dst_path) | tojson }}"
        else:
            # Defaults may refer to earlier answers; copier names them without the prefix.
            question["default"] = value.replace("cookiecutter.", "")
        question["default"] = from_the_repo(name, question["default"])
        question["validator"] = f"{{{{ answer_error({name!r}, {name}) }}}}"
        questions[name] = {**question, **COPIER_ONLY.get(name, {})}
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
        {**SETTINGS, "_migrations": [*MIGRATIONS, UPDATE_REPORT], **copier_questions(cookiecutter)},
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
