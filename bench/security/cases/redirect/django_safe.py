# bench: expected=safe cwe=601
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def back(request):
    dest = request.GET.get("return_to", "/")
    if not url_has_allowed_host_and_scheme(dest, allowed_hosts={request.get_host()}):
        dest = "/"
    return HttpResponseRedirect(dest)
