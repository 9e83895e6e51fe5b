"""GitHub integration: ``reviewbot action`` reads the Actions run (``event``), loads the settings from the PR's base
commit (``trust``), gets the diff locally or from the API (``session``, ``apidiff``), and publishes through PyGithub
(``client``: retry, backoff, pacing; ``publish``: one review + a summary comment edited in place, idempotent through
the hidden markers of ``markers``; ``anchors``: what may be commented inline; ``bodies``: the texts). Without write
access it falls back to annotations and the job summary (``fallback``)."""
