from django.db.models.expressions import RawSQL
from django.http import JsonResponse

from .models import Person

ORDERINGS = ["last_name", "-last_name"]


def search(request):
    name = request.GET.get("name", "")
    # ruleid: sqli-tainted-django
    people = Person.objects.raw("SELECT * FROM app_person WHERE last_name = '%s'" % name)
    return JsonResponse([p.pk for p in people], safe=False)


def filtered(request):
    where = request.GET["where"]
    # ruleid: sqli-tainted-django
    people = Person.objects.filter(active=True).extra(where=[where])
    return JsonResponse([p.pk for p in people], safe=False)


def annotated(request, field):
    # ruleid: sqli-tainted-django
    people = Person.objects.annotate(val=RawSQL(f"SELECT {field} FROM app_person", []))
    return JsonResponse([p.val for p in people], safe=False)


def search_safe(request):
    name = request.GET.get("name", "")
    # ok: sqli-tainted-django
    people = Person.objects.raw("SELECT * FROM app_person WHERE last_name = %s", [name])
    return JsonResponse([p.pk for p in people], safe=False)


def ordered(request):
    order = request.GET.get("order", "last_name")
    if order in ORDERINGS:
        # ok: sqli-tainted-django
        people = Person.objects.extra(order_by=[order])
        return JsonResponse([p.pk for p in people], safe=False)
    return JsonResponse([], safe=False)
