import shutil
import tarfile


def install_plugin(archive_path, dest):
    with tarfile.open(archive_path) as tar:
        # ruleid: tarfile-extractall-traversal
        tar.extractall(dest)


def restore_backup(path):
    tar = tarfile.open(path, "r:gz")
    # ruleid: tarfile-extractall-traversal
    tar.extract("db.sqlite3", "/var/lib/app")
    tar.close()


def unpack_upload(upload, dest):
    # ruleid: tarfile-extractall-traversal
    shutil.unpack_archive(upload, dest)


def install_plugin_safe(archive_path, dest):
    with tarfile.open(archive_path) as tar:
        # ok: tarfile-extractall-traversal
        tar.extractall(dest, filter="data")


def install_checked(archive_path, dest, safe_members):
    with tarfile.open(archive_path) as tar:
        # ok: tarfile-extractall-traversal
        tar.extractall(dest, members=safe_members(tar))


def unpack_upload_safe(upload, dest):
    # ok: tarfile-extractall-traversal
    shutil.unpack_archive(upload, dest, filter="data")
