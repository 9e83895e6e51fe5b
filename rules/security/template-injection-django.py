from django.http import HttpResponse
from django.template import Context, Template, engines


def preview(request):
    body = request.POST["body"]
    # ruleid: template-injection-django
    tpl = Template("<div>" + body + "</div>")
    return HttpResponse(tpl.render(Context({"user": request.user})))


def email_preview(request):
    subject = request.GET["subject"]
    # ruleid: template-injection-django
    tpl = engines["django"].from_string(subject)
    return HttpResponse(tpl.render({}))


def preview_safe(request):
    body = request.POST["body"]
    # ok: template-injection-django
    tpl = Template("<div>{{ body }}</div>")
    return HttpResponse(tpl.render(Context({"body": body})))


def greeting(request, name):
    # ok: template-injection-django
    tpl = engines["django"].from_string("Hello {{ name }}")
    return HttpResponse(tpl.render({"name": name}))
