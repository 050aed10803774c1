"""One module of views per notebook: numbers, tables and figures of a study's results."""
