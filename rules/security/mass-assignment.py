from django.http import JsonResponse
from flask import Flask, request

from .models import Profile, db

app = Flask(__name__)
EDITABLE_FIELDS = {"display_name", "bio"}


def create_profile(request):
    # ruleid: mass-assignment
    profile = Profile.objects.create(**request.POST.dict())
    return JsonResponse({"id": profile.pk})


@app.route("/profile/<int:pk>", methods=["PATCH"])
def update_profile(pk):
    profile = db.session.get(Profile, pk)
    for key, value in request.json.items():
        # ruleid: mass-assignment
        setattr(profile, key, value)
    db.session.commit()
    return {"ok": True}


@app.route("/profile/<int:pk>/safe", methods=["PATCH"])
def update_profile_safe(pk):
    profile = db.session.get(Profile, pk)
    for key, value in request.json.items():
        if key in EDITABLE_FIELDS:
            # ok: mass-assignment
            setattr(profile, key, value)
    db.session.commit()
    return {"ok": True}


def create_profile_safe(request):
    data = {k: v for k, v in request.POST.items() if k in EDITABLE_FIELDS}
    # ok: mass-assignment
    profile = Profile.objects.create(**data)
    return JsonResponse({"id": profile.pk})
