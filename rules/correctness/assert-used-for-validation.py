from django.core.exceptions import PermissionDenied
from flask import Flask, abort, request

app = Flask(__name__)


def delete_project(request, project):
    # ruleid: assert-used-for-validation
    assert request.user.is_staff, "staff only"
    project.delete()


@app.route("/transfer", methods=["POST"])
def transfer():
    # ruleid: assert-used-for-validation
    assert request.json["amount"] > 0
    return {"ok": True}


def edit_document(user, doc):
    # ruleid: assert-used-for-validation
    assert doc.owner == user or user.is_admin
    doc.save()


def delete_project_ok(request, project):
    # ok: assert-used-for-validation
    if not request.user.is_staff:
        raise PermissionDenied("staff only")
    project.delete()


@app.route("/transfer-ok", methods=["POST"])
def transfer_ok():
    amount = request.json["amount"]
    if amount <= 0:
        abort(400)
    return {"ok": True}


def normalise(values):
    result = [v / sum(values) for v in values]
    # ok: assert-used-for-validation
    assert len(result) == len(values)
    return result
