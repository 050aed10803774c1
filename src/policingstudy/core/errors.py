"""Every exception and warning class of the package, in one place.

Each error carries a message that states what was found, what was expected and, where it helps,
what to do. Command-line code maps :class:`UsageError` (and its subclasses) to exit code 2 and
every other :class:`PolicingStudyError` to exit code 1.
"""

from __future__ import annotations


class PolicingStudyError(Exception):
    """Base class of every error raised on purpose by policingstudy."""


class UsageError(PolicingStudyError):
    """A command-line option, parameter or argument is wrong (exit code 2)."""


class ParameterError(UsageError):
    """A notebook parameter override is unknown, mistyped or out of range."""


class ProjectRootError(UsageError):
    """The project root cannot be found."""


class OptionError(PolicingStudyError, ValueError):
    """A value is not one of a closed set of options (a library argument or a data value).

    Command-line options are checked by the CLI, which raises :class:`UsageError` instead.
    """


class DataValidationError(PolicingStudyError):
    """Raw or processed data break the schema or a cross-table rule.

    Parameters
    ----------
    problems
        One human-readable line per problem (file, row, column, found, expected).
    """

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        shown = self.problems[:50]
        more = len(self.problems) - len(shown)
        text = "\n".join(f"  - {p}" for p in shown)
        if more:
            text += f"\n  ... and {more} more"
        super().__init__(f"{len(self.problems)} data problem(s):\n{text}")


class MissingDataError(PolicingStudyError):
    """An input the run needs (a processed table, a raw file) is missing; says how to make it."""


class SourceError(PolicingStudyError):
    """An external data file cannot be fetched, found or verified."""


class ChecksumError(SourceError):
    """A file's sha256 does not match the pinned value."""


class CatalogError(PolicingStudyError):
    """A message catalog lacks a key or a language."""


class NotebookError(PolicingStudyError):
    """A notebook failed to execute or convert."""


class SpecificationError(PolicingStudyError, ValueError):
    """An analysis specification (weights, hierarchy, panel) is invalid."""


class JoinError(PolicingStudyError):
    """A join on codes left units unmatched."""


class PanelError(DataValidationError, SpecificationError):
    """A unit × time panel breaks a design rule (duplicates, varying group, adoption outside it)."""
