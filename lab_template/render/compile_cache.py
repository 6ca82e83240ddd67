"""Jinja's compiled templates kept on disk between bakes, so a bake compiles only what changed.

Compiling the template (its files, and the paths and values that both tools render from
strings) is most of a bake's own work, and it is the same work every time. Jinja's bytecode
cache keeps the compiled files; ``install`` also sends the template's strings through it.

Jinja recompiles whatever text changed (each entry holds a checksum of its text). The key of
an entry also holds what else decides the compiled code: the Jinja version, the environment's
class, extensions and syntax settings, so that cookiecutter's and copier's environments never
share an entry. Answers are never cached: ``install`` takes a test for the strings worth it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

import jinja2
from jinja2 import FileSystemBytecodeCache

# The Environment settings that change what a template compiles to.
_SYNTAX_OPTIONS = (
    "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
    "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
    "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "autoescape",
    "optimized", "finalize", "is_async",
)  # fmt: skip


class CompiledTemplateCache(FileSystemBytecodeCache):
    """Jinja's cache, in its default folder (the user's own, in the temp folder), keyed by kind."""

    def __init__(self, environment: jinja2.Environment):
        super().__init__()
        self._environment = environment

    @cached_property
    def _kind(self) -> str:
        # Read at the first template, once the environment has all its extensions.
        environment = self._environment
        options = [getattr(environment, option) for option in _SYNTAX_OPTIONS]
        return repr(
            (jinja2.__version__, type(environment).__qualname__, sorted(environment.extensions), options)
        )

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        # Not the file's path: copier renders from a fresh clone of the template every time.
        return super().get_cache_key(f"{self._kind}|{name}")

    # A cache that cannot be read or written (a full disk, a folder gone) only means compiling.
    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError):
            bucket.reset()

    def set_bucket(self, bucket) -> None:
        try:
            super().set_bucket(bucket)
        except OSError:
            pass

    def compiled_string(self, source: str, compile_source: Callable[[], object]):
        """The code of a template given as a string, compiled only if not cached yet."""
        # Keyed apart from the files: a plain path such as "README.md" is also a file's name.
        bucket = self.get_bucket(self._environment, f"<string>\n{source}", None, source)
        if bucket.code is None:
            bucket.code = compile_source()
            self.set_bucket(bucket)
        return bucket.code


def install(environment: jinja2.Environment, worth_caching: Callable[[str], bool]) -> None:
    """Cache the environment's compiled template files, and the strings that pass worth_caching."""
    try:
        cache = CompiledTemplateCache(environment)
    except (OSError, RuntimeError):  # Jinja found no folder of the user's own to keep it in
        return
    environment.bytecode_cache = cache
    compile_uncached = environment.compile

    def compile(source, name=None, filename=None, raw=False, defer_init=False):
        if isinstance(source, str) and name is None and not raw and not defer_init and worth_caching(source):
            return cache.compiled_string(source, lambda: compile_uncached(source))
        return compile_uncached(source, name, filename, raw, defer_init)

    environment.compile = compile
