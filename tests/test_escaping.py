"""Awkward but valid answers give a valid repo; free text reaches the wheel's metadata intact.

Researchers type real names: quotes, apostrophes, backslashes, colons, '#', umlauts, emoji.
Every rendered format must escape them (see lab_template/render/extensions.py).
"""

from __future__ import annotations

import email.parser
import email.policy
import email.utils
import html
import re
import sys
import zipfile

import jinja2
import pytest
import readme_renderer.markdown
from cookiecutter.exceptions import CookiecutterException
from cookiecutter.main import cookiecutter
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from support import TEMPLATE_ROOT, assert_repo_valid, bake_in_process, run

AWKWARD_ANSWERS = {
    "double quotes": {
        "project_name": 'Gaussian "Processes" (GP) toolkit',
        "description": 'The "best" GP toolkit, "quoted" twice',
        "author_name": 'Ada "the Countess" Lovelace',
    },
    "apostrophes": {
        "project_name": "O'Brien's toolkit",
        "description": "It's Bayes' rule, isn't it",
        "author_name": "Seán O'Neill",
    },
    "backslashes": {
        "project_name": "Back\\slash project",
        "description": "Solves A\\b = x, saved in C:\\data\\run1 (\\n is not a newline)",
        "author_name": "Back\\Slash",
    },
    "colons and hashes": {
        "project_name": "GP: toolkit #1",
        "description": "key: value # not a comment; also 'single' and \"double\"",
        "author_name": "Dr. No: #1",
    },
    "YAML and Markdown syntax": {
        "project_name": "Star *power* [v2]",
        "description": "- not a list: [a, b] & *alias !tag %pct @at `tick` <b>|</b> ---",
        "author_name": "Ampersand & Co",
    },
    "unicode letters": {
        "project_name": "Ångström analysis",
        "description": "Schrödinger-Gleichung für Müller, Ørsted and Łukasiewicz",
        "author_name": "Jürgen Müller-Åberg",
        "author_email": "jurgen.muller+pypi@example.org",
    },
    "emoji": {
        "project_name": "Rocket toolkit 🚀",
        "description": "Fast inference 🚀✨ for everyone 🧪",
        "author_name": "Rocket 🚀 Person",
    },
    "200-character description": {
        "project_name": "Long description",
        "description": ("Bayesian optimization with Gaussian processes, " * 5)[:200],
        "author_name": "Ada Lovelace",
    },
    "surrounding spaces": {
        "project_name": "  Padded Project  ",
        "description": "  padded description  ",
        "author_name": "  Ada Lovelace  ",
    },
}


def readme_as_text(markdown: str) -> str:
    """The text a reader sees on PyPI: rendered by PyPI's own renderer, tags removed."""
    html_page = readme_renderer.markdown.render(markdown, variant="GFM")
    return html.unescape(re.sub(r"<[^>]+>", "", html_page))


def wheel_metadata(wheel) -> email.message.EmailMessage:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        text = archive.read(name).decode("utf-8")
    return email.parser.Parser(policy=email.policy.default).parsestr(text)


@pytest.mark.slow
@pytest.mark.parametrize("answers", AWKWARD_ANSWERS.values(), ids=AWKWARD_ANSWERS.keys())
def test_awkward_answers_build_with_the_text_intact(cookies, tmp_path, answers):
    repo = bake_in_process(cookies, **answers, github_org="lab")
    assert_repo_valid(repo)

    run(sys.executable, "-m", "build", "--wheel", "--outdir", tmp_path, repo)
    (wheel,) = tmp_path.glob("*.whl")
    metadata = wheel_metadata(wheel)
    assert metadata["Summary"] == answers["description"].strip()
    (author,) = email.utils.getaddresses([metadata["Author-email"]])
    assert author == (answers["author_name"].strip(), answers.get("author_email", "you@example.org"))
    # The README is the PyPI page: rendered as PyPI renders it, it shows the text as typed.
    page = readme_as_text(metadata.get_payload())
    assert answers["project_name"].strip() in page
    assert answers["description"].strip() in page


# Free text as hypothesis draws it: mostly what people type (letters, marks, digits,
# punctuation, symbols such as emoji, spaces), sometimes anything but lone surrogates.
typed_text = st.text(st.characters(categories=["L", "M", "N", "P", "S", "Zs"]), max_size=60)
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
# Jinja typed as an answer: kept as text, then refused by name (never evaluated).
jinja_text = st.tuples(
    typed_text,
    st.sampled_from(
        ["{{ 7*7 }}", "{% if true %}x{% endif %}", "{# note #}", "{{cookiecutter.package_name}}"]
    ),
    typed_text,
).map("".join)
free_text = st.one_of(typed_text, typed_text, typed_text, typed_text, any_text, jinja_text)
ERROR_LINE = re.compile(r"^error: (project_name|description|author_name): .+ \(got '.*'; example: '.+'\)$")


@settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(project_name=free_text, description=free_text, author_name=free_text)
def test_free_text_gives_a_valid_repo_or_a_clear_error(
    tmp_path_factory, capfd, project_name, description, author_name
):
    output_dir = tmp_path_factory.mktemp("free-text")
    answers = {
        "project_name": project_name,
        "package_name": "free_text",  # the derived name is tested elsewhere; vary the text only
        "description": description,
        "author_name": author_name,
    }
    capfd.readouterr()
    try:
        cookiecutter(str(TEMPLATE_ROOT), no_input=True, extra_context=answers, output_dir=output_dir)
    except (CookiecutterException, SystemExit, jinja2.TemplateError):
        event("refused")
        stderr = capfd.readouterr().err
        assert not any(output_dir.iterdir()), "a refused bake left files behind"
        # Jinja markers too: the answers stay text, and the rule refuses them by name.
        assert ERROR_LINE.match(stderr.strip().splitlines()[-1]), stderr
    else:
        event("baked")
        assert_repo_valid(output_dir / "free_text")
