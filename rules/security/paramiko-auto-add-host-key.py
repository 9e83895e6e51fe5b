import paramiko


def run_remote(host, command):
    client = paramiko.SSHClient()
    # ruleid: paramiko-auto-add-host-key
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(host, username="deploy")
    return client.exec_command(command)


def connect_warn(host):
    client = paramiko.SSHClient()
    # ruleid: paramiko-auto-add-host-key
    client.set_missing_host_key_policy(paramiko.WarningPolicy)
    client.connect(host)
    return client


def run_remote_safe(host, command):
    client = paramiko.SSHClient()
    client.load_system_host_keys()
    # ok: paramiko-auto-add-host-key
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(host, username="deploy")
    return client.exec_command(command)


def known_hosts(client):
    # ok: paramiko-auto-add-host-key
    client.load_host_keys("/etc/ssh/ssh_known_hosts")
