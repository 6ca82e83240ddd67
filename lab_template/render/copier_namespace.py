"""Give copier the ``cookiecutter`` namespace, so one template tree serves both tools.

Under copier the answers are top-level names; the template files say ``cookiecutter.<name>``.
The private ``__`` values are rendered from their definitions in cookiecutter.json, so they
are defined in one place for both tools.
"""

from __future__ import annotations

from collections.abc import Mapping

from copier_template_extensions import ContextHook

from lab_template.render import validation
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


def copier_operation() -> str:
    """'copy' or 'update': what copier is doing now ('copy' outside copier).

    copier tells its tasks and `_exclude` (`_copier_operation`) but not its context hooks; it
    keeps the operation in a context variable of a private module, read here.
    """
    try:
        from copier._main import _operation
    except ImportError:
        return "copy"
    return str(_operation.get("copy"))


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
        if phase == "prompt" and "_copier_conf" in context:
            # The answers given with --data or a data file, all before copier parses any: its
            # own refusals (a choice not in the list) are tracebacks; a misspelled question
            # name it would ignore. An update's data holds the recorded answers too, where an
            # answer to a question this version removed is to be forgotten, not refused.
            updating = copier_operation() == "update"
            exit_on_bad_answers(context["_copier_conf"]["data"], only_questions=not updating)
        if phase == "render":
            # copier validates typed and --data answers, not the defaults that --defaults takes
            # (a package_name derived from a project name without Latin letters is empty).
            exit_on_bad_answers(answers)
        context["cookiecutter"] = _Namespace(answers, self.environment)
