from Crypto.Cipher import AES
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def encrypt_block(key, data):
    # ruleid: cipher-ecb-mode
    cipher = AES.new(key, AES.MODE_ECB)
    return cipher.encrypt(data)


def ecb_cipher(key):
    # ruleid: cipher-ecb-mode
    return Cipher(algorithms.AES(key), modes.ECB())


def encrypt_gcm(key, data):
    # ok: cipher-ecb-mode
    cipher = AES.new(key, AES.MODE_GCM)
    return cipher.encrypt_and_digest(data)


def cbc_cipher(key, iv):
    # ok: cipher-ecb-mode
    return Cipher(algorithms.AES(key), modes.CBC(iv))
