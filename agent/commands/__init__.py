"""One module per `viva` subcommand: `add_arguments(parser)` and `run(args) -> int`.

Only the standard library may be imported at module level here (keeps `viva --help` fast).
"""
