"""The project root and its folders, resolved once and passed around.

Nothing here runs at import time: callers (the CLI, the runner, tests, notebooks) call
:func:`find_root` or build :class:`ProjectPaths` from an explicit path.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from policingstudy.core.errors import ProjectRootError

ROOT_ENV = "POLICINGSTUDY_ROOT"
MIRROR_ENV = "POLICINGSTUDY_MIRROR"


def _is_root(path: Path) -> bool:
    return (path / "pyproject.toml").is_file() and (path / "notebooks").is_dir()


def find_root(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Resolve the project root.

    Order: ``explicit`` argument (``--root``), then the ``POLICINGSTUDY_ROOT`` environment
    variable, then the nearest folder holding ``pyproject.toml`` and ``notebooks/``, searching
    from the current directory up through its parents, as git finds a repository (so a kernel
    that JupyterLab starts in ``notebooks/`` finds the project).

    Parameters
    ----------
    explicit
        A path given by the caller, or None.

    Returns
    -------
    Path
        The absolute project root.

    Raises
    ------
    ProjectRootError
        If the explicit or environment path is not a project root, or no parent of the current
        directory is one, with what to pass or set.
    """
    if explicit is not None or os.environ.get(ROOT_ENV):
        given = explicit if explicit is not None else os.environ[ROOT_ENV]
        origin = "--root" if explicit is not None else ROOT_ENV
        candidate = Path(given).expanduser().resolve()
        if not _is_root(candidate):
            raise ProjectRootError(
                f"{origin} ({candidate}) is not a policingstudy project root: expected a folder "
                "holding pyproject.toml and notebooks/"
            )
        return candidate
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if _is_root(candidate):
            return candidate
    raise ProjectRootError(
        f"no policingstudy project root in {here} or its parents: expected a folder holding "
        f"pyproject.toml and notebooks/. Run from inside the repository, pass --root, or set "
        f"{ROOT_ENV}=/path/to/policingstudy."
    )


@dataclass(frozen=True)
class ProjectPaths:
    """Folders of a project checkout.

    Parameters
    ----------
    root
        The project root (see :func:`find_root`).
    """

    root: Path

    @classmethod
    def discover(cls, explicit: str | os.PathLike[str] | None = None) -> ProjectPaths:
        """Build from :func:`find_root`."""
        return cls(find_root(explicit))

    @property
    def notebooks(self) -> Path:
        """Source notebooks (no outputs)."""
        return self.root / "notebooks"

    @property
    def raw(self) -> Path:
        """Read-only raw data authored in the repository."""
        return self.root / "data" / "raw"

    @property
    def dataset(self) -> Path:
        """The comparative dataset's raw files (codebook, units, codings, sources)."""
        return self.raw / "dataset"

    @property
    def thesis(self) -> Path:
        """Structured data about the thesis article."""
        return self.raw / "thesis"

    @property
    def external(self) -> Path:
        """Downloaded external files (git-ignored)."""
        return self.raw / "external"

    @property
    def processed(self) -> Path:
        """Tables written by ``policingstudy build``."""
        return self.root / "data" / "processed"

    @property
    def reports(self) -> Path:
        """Executed notebooks, HTML, numbers and the index page."""
        return self.root / "reports"

    @property
    def package(self) -> Path:
        """The package source (hashed for the report cache)."""
        return self.root / "src" / "policingstudy"


def mirror_from_env() -> Path | None:
    """Return the mirror folder named by ``POLICINGSTUDY_MIRROR``, or None if unset."""
    value = os.environ.get(MIRROR_ENV)
    return Path(value).resolve() if value else None
