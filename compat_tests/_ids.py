"""Parameter ids that read the same in every pytest session of one process.

pytest escapes an id given through ``ids=`` (a list or a function) once more each time the same module is collected
again in a process: an id holding a backslash or a non-ASCII character gains a level of escaping per collection.
mutmut collects the suite once, then has each mutant's tests selected by node id in that process's forks; those
ids were then "not found", a usage error it counted as a kill. An id with nothing for pytest to escape is stable.
"""

from __future__ import annotations


def plain_id(value: object) -> str:
    """``ascii(value)`` with each backslash written as '%': printable ASCII with nothing for pytest to escape."""
    return ascii(value).replace("\\", "%")
