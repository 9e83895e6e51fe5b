from Crypto.Cipher import AES, ARC4, DES
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def encrypt_legacy(key, data):
    # ruleid: weak-cipher-algorithm
    cipher = DES.new(key, DES.MODE_CBC)
    return cipher.encrypt(data)


def stream(key, data):
    # ruleid: weak-cipher-algorithm
    return ARC4.new(key).encrypt(data)


def triple_des(key, iv):
    # ruleid: weak-cipher-algorithm
    return Cipher(algorithms.TripleDES(key), modes.CBC(iv))


def encrypt_aes(key, data):
    # ok: weak-cipher-algorithm
    cipher = AES.new(key, AES.MODE_GCM)
    return cipher.encrypt_and_digest(data)


def aes_ctr(key, nonce):
    # ok: weak-cipher-algorithm
    return Cipher(algorithms.AES(key), modes.CTR(nonce))
