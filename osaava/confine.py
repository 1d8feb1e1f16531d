"""Paths given as run parameters stay inside the installation's home (issue 13).

Anyone who can start a run through the Prefect API chooses its parameters: an ``out`` or
``input_dir`` pointing at ``/etc`` or another user's files would make the worker write or read
there. :func:`confined` refuses such a path with a clear message.

The home is ``$OSAAVA_HOME`` (what `make serve` and the README's production set-up set; a
deployment's runs start in it), else the working directory. ``$OSAAVA_ALLOWED_PATHS`` may add
further folders (``os.pathsep``-separated), e.g. the share where the HR systems drop their
exports. A relative path is taken from the working directory, as the flows use it; links are
resolved before the check, so a symbolic link out of the home does not get out either.
"""

from __future__ import annotations

import os
from pathlib import Path


class OutsideHome(ValueError):
    """A path outside the installation's home and the allowed folders."""


def allowed_roots() -> list[Path]:
    from osaava.settings import current

    s = current()
    roots = [Path(s.home)] + [Path(p) for p in s.allowed_paths.split(os.pathsep) if p]
    return [r.expanduser().resolve() for r in roots]


def confined(value: str | os.PathLike, what: str = "path") -> str:
    """``value`` unchanged when it resolves inside an allowed root; else :class:`OutsideHome`."""
    text = os.fspath(value)
    if not text.strip() or "\x00" in text:
        raise OutsideHome(f"{what}: give a folder inside the installation's home")
    p = Path(text).expanduser()
    resolved = (p if p.is_absolute() else Path.cwd() / p).resolve()
    roots = allowed_roots()
    if any(resolved == r or r in resolved.parents for r in roots):
        return text
    shown = ", ".join(str(r) for r in roots)
    raise OutsideHome(
        f"{what} {text!r} is outside the installation's home ({shown}): give a folder inside it, "
        f"or ask IT to add the folder to OSAAVA_ALLOWED_PATHS. Kansio on asennuksen kotikansion "
        f"ulkopuolella. Mappen ligger utanför installationens hemmapp.")
