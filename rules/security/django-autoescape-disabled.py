from pathlib import Path

from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": ["django.template.context_processors.request"],
            # ruleid: django-autoescape-disabled
            "autoescape": False,
        },
    },
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja2"],
        # ruleid: django-autoescape-disabled
        "OPTIONS": {"environment": "project.jinja2.environment", "autoescape": False},
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            # ok: django-autoescape-disabled
            "autoescape": True,
        },
    },
]

settings.configure(
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            # ruleid: django-autoescape-disabled
            "OPTIONS": {"autoescape": False},
        }
    ]
)

# ok: django-autoescape-disabled
WIDGET_OPTIONS = {"OPTIONS": {"autoescape": False}}

# ok: django-autoescape-disabled
LOGGING = {"version": 1, "disable_existing_loggers": False}
