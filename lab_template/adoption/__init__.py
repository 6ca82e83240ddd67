"""Adopting an existing repo: `copier copy --trust --defaults --overwrite TEMPLATE .` in it.

The promise: the project's code, metadata and published files stay as they were, and what the
template adds works on the first push. One module per concern, in the order adoption runs:

While copier asks its questions (loaded by lab_template/render/extensions.py):

- ``guard``: refuse, with one line and before anything is written, a folder that is not a git
  repo with a commit and nothing uncommitted, or whose pyproject.toml or setup.cfg does not parse.
- ``repo``: the repo as committed (git): its files, its state.
- ``project``: finding the project in the committed tree: where its code, tests, docs, licence,
  README and changelog are, which workflows it has, which build backend and tools it uses.
- ``wheel``: the wheel that the project's own build backend makes of the committed tree
  (PEP 517, through `build`): its files and core metadata. Built once, kept for the task.
- ``answers``: the questions' defaults and the decisions (which template files the repo takes)
  inferred from all that, each with where it came from.

After copier has written the files (lab_template/tasks/adopt.py, copier's task):

- ``pyproject``, ``files``: merging pyproject.toml, setup.cfg, MANIFEST.in, .gitignore,
  .gitattributes and the conda recipe with what the repo had.
- ``check``: checking the result: the wheel built after adoption against the one before, and
  the pre-commit hooks on the repo's own files (the rules its code breaks are left off for it).
- ``report``: the summary.
"""
