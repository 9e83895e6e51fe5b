"""The LLM stage: providers behind one interface, prompts, and the reviewer that turns replies into candidates.

- ``provider`` (the interface), ``openai`` (every OpenAI-compatible server), ``anthropic``, ``cassette``
  (record/replay), ``dump`` (``--dump-prompts``), ``http`` (retries), ``factory`` (settings -> provider/session);
- ``session`` (cache, limits, concurrency), ``reply_cache`` (the response cache), ``quota`` (calls and tokens),
  ``limits`` (the run's limits and deadlines), ``redact``;
- ``context`` (changed functions via libcst), ``prompting`` (``prompts/*.j2``), ``plan`` (priority, grouping),
  ``schemas``, ``parse`` (validation, repair, anchoring, sanitizing), ``candidates``, ``reviewer`` (the stage);
- ``settings``: ``[tool.reviewbot.llm]``. See docs/llm.md and docs/configuration.md.
"""
