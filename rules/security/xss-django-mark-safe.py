from django.shortcuts import render
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


def greet(request):
    name = request.GET.get("name", "")
    # ruleid: xss-django-mark-safe
    banner = mark_safe(f"<h1>Hello {name}</h1>")
    return render(request, "greet.html", {"banner": banner})


def comment(request, slug):
    text = request.POST["text"]
    # ruleid: xss-django-mark-safe
    html = format_html("<p>" + text + "</p>")
    return render(request, "comment.html", {"html": html, "slug": slug})


def greet_safe(request):
    name = request.GET.get("name", "")
    # ok: xss-django-mark-safe
    banner = format_html("<h1>Hello {}</h1>", name)
    return render(request, "greet.html", {"banner": banner})


def greet_escaped(request):
    name = request.GET.get("name", "")
    # ok: xss-django-mark-safe
    banner = mark_safe("<h1>Hello %s</h1>" % conditional_escape(name))
    return render(request, "greet.html", {"banner": banner})
