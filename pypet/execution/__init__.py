"""Running the single runs: runners, the single-run wrapper, batched storing, progress."""
