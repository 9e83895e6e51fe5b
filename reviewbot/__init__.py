"""reviewbot: static-analysis-augmented code review for Python pull requests."""

__version__ = "0.1.0"
