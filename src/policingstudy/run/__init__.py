"""Report runs: the plan, papermill execution, kernels, provenance and the index page."""
