"""The exit status of every command, defined once (docs/model.md, the README's table).

Only the command line chooses an exit status; the layers below raise or return values.
"""

EXIT_OK = 0
"""Done: the plan made, the files written, the trail intact."""
EXIT_ERROR = 1
"""Anything else: the solver failed, a store problem, a broken audit trail, a run that
does not reproduce, a document that could not be written, a stop."""
EXIT_INVALID = 2
"""Invalid input (every problem named), a result that does not belong to the data, or an
output that would write over an input."""
EXIT_INFEASIBLE = 3
"""No plan meets every rule of the scenario (the diagnosis says which rules to relax)."""
