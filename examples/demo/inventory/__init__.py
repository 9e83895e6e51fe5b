"""A small inventory service used as reviewbot's demo project."""
