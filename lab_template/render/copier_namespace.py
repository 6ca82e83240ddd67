"""Give copier the ``cookiecutter`` namespace, so one template tree serves both tools.

Under copier the answers are top-level names; the template files say ``cookiecutter.<name>``.
The private ``__`` values are rendered from their definitions in cookiecutter.json, so they
are defined in one place for both tools. The same hook runs the checks of
lab_template/render/copier_checks.py where copier's context says it copies or updates.
"""

from __future__ import annotations

from collections.abc import Mapping

from copier_template_extensions import ContextHook

from lab_template.render import copier_checks, validation
from lab_template.render.validation import exit_on_bad_answers

COOKIECUTTER_JSON = validation.COOKIECUTTER_JSON
QUESTIONS = [key for key in COOKIECUTTER_JSON if not key.startswith("_")]
# For cookiecutter only: its prompts, and its answer checks, `__<question>_checked` (copier's
# validators do that job; rendered here, a check would read the whole namespace, itself
# included, without end).
PRIVATE = {
    key: value
    for key, value in COOKIECUTTER_JSON.items()
    if key.startswith("__") and key != "__prompts__" and not key.endswith("_checked")
}


class _Namespace(Mapping):
    """The answers given so far, plus the private values, rendered when first read."""

    def __init__(self, answers: dict, environment):
        self._values = dict(answers)
        self._environment = environment

    def __getitem__(self, key):
        if key not in self._values and key in PRIVATE:
            template = self._environment.from_string(PRIVATE[key])
            self._values[key] = template.render(cookiecutter=self)
        return self._values[key]

    def __iter__(self):
        yield from self._values
        yield from (key for key in PRIVATE if key not in self._values)

    def __len__(self):
        return len(set(self._values) | set(PRIVATE))


class CookiecutterNamespace(ContextHook):
    def hook(self, context):
        answers = {key: context[key] for key in QUESTIONS if key in context}
        phase = str(context.get("_copier_phase"))
        # copier documents `_copier_operation` for the renders of `_exclude`, tasks and
        # migrations only: it is missing from the others.
        operation = context.get("_copier_operation")
        conf = context.get("_copier_conf")
        if phase == "prompt" and conf is not None:
            # The answers given with --data or a data file, all before copier parses any: its
            # own refusals (a choice not in the list) are tracebacks. (An update's renders of the
            # old and new versions get the recorded answers as data too.)
            exit_on_bad_answers(conf["data"])
        if phase == "render" and operation == "copy":
            copier_checks.at_copy(
                str(conf["src_path"]),
                str(context["_copier_answers"].get("_src_path", "")),
                conf["vcs_ref_hash"] is not None,
                tuple(sorted((str(k), str(v)) for k, v in conf["data"].items())),
            )
        if phase == "migrate" and operation == "update" and context.get("_stage") == "before":
            copier_checks.before_update(
                str(conf["dst_path"]), tuple(sorted((str(k), str(v)) for k, v in conf["data"].items()))
            )
        if phase == "render":
            # copier validates typed and --data answers, not the defaults that --defaults takes
            # (a package_name derived from a project name without Latin letters is empty).
            exit_on_bad_answers(answers)
        context["cookiecutter"] = _Namespace(answers, self.environment)
