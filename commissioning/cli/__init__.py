"""The command line, `commissioning validate|allocate|costs|explain|documents|...`: the only
place in the toolkit that prints or chooses an exit status (`exits.py`, one definition each).

One module per group of commands (`main` holds the parser and the plan commands, `explain`,
`documents`, `monitor`, `store`); each calls the use cases (`commissioning.usecases`) and
the core, and turns what they return or raise into words and an exit status.
"""

from commissioning.cli.main import main

__all__ = ["main"]
