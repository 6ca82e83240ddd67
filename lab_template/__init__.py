"""Code the template runs while it renders: Jinja filters, answer validation, cluster data.

Both cookiecutter (``_extensions`` in cookiecutter.json) and copier (``_jinja_extensions`` in
copier.yml) load :mod:`lab_template.extensions`; the hooks and copier's validators call
:mod:`lab_template.validation`.
"""
