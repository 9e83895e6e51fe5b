"""GitHub's limits on what the bot writes, as documented, and the caps the bot keeps below them.

- A comment or review body: 65,536 characters (the REST API answers 422 "body is too long (maximum is 65536
  characters)"). GitHub counts characters; we count UTF-16 code units (``bodies.units``), which is never less.
- A step summary (``$GITHUB_STEP_SUMMARY``): 1 MiB per step ("Job summaries are isolated between steps and each step
  is restricted to a maximum size of 1MiB"). The runner compares the file's size in bytes; above it, nothing of the
  step's summary is shown and the step gets an error annotation. We write at most ``STEP_SUMMARY_BUDGET`` bytes
  (in UTF-8, as written) minus what the file already holds.
- Annotations made with workflow commands: GitHub shows 10 error, 10 warning and 10 notice annotations per step and
  50 per job (the actions/toolkit "Problem Matchers" limits; the runner keeps the first 10 of each level of a step).
  The rest still print to the step's log, without their file and line.
"""

from __future__ import annotations

MAX_BODY = 65_536  # characters in a comment or review body
STEP_SUMMARY_BYTES = 1024 * 1024  # the documented limit of one step's summary
STEP_SUMMARY_MARGIN = 64 * 1024  # safety margin under it (other text in the same file, a rounding of the limit)
STEP_SUMMARY_BUDGET = STEP_SUMMARY_BYTES - STEP_SUMMARY_MARGIN  # what the bot writes at most: 960 KiB
ANNOTATIONS_PER_LEVEL = 10  # error, warning and notice annotations GitHub shows per step, each
ANNOTATIONS_PER_JOB = 50  # annotations GitHub shows per job, all steps together
