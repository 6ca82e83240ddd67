"""Code the template runs while it renders: Jinja filters, answer validation, cluster data.

Both cookiecutter (``_extensions`` in cookiecutter.json) and copier (``_jinja_extensions`` in
copier.yml) load :mod:`lab_template.extensions`, whose answer check (under cookiecutter) and
validators (under copier) call :mod:`lab_template.validation`.
"""
