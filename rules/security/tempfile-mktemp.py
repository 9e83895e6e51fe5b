import subprocess
import tempfile


def render_pdf(html):
    # ruleid: tempfile-mktemp
    path = tempfile.mktemp(suffix=".html")
    with open(path, "w") as fh:
        fh.write(html)
    subprocess.run(["wkhtmltopdf", path, path + ".pdf"], check=True)


def scratch_dir():
    # ruleid: tempfile-mktemp
    return tempfile.mktemp(prefix="build-", dir="/tmp")


def render_pdf_safe(html):
    # ok: tempfile-mktemp
    with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False) as fh:
        fh.write(html)
    subprocess.run(["wkhtmltopdf", fh.name, fh.name + ".pdf"], check=True)


def scratch_dir_safe():
    # ok: tempfile-mktemp
    return tempfile.mkdtemp(prefix="build-")
