import random
import secrets
import string


def create_session(user):
    # ruleid: insecure-random-token
    session_id = "".join(random.choices(string.ascii_letters + string.digits, k=32))
    return {"user": user, "sid": session_id}


def generate_reset_code():
    # ruleid: insecure-random-token
    return str(random.randint(100000, 999999))


class ApiClient:
    def __init__(self):
        # ruleid: insecure-random-token
        self.api_key = "%032x" % random.getrandbits(128)


def create_session_safe(user):
    # ok: insecure-random-token
    session_id = secrets.token_urlsafe(32)
    return {"user": user, "sid": session_id}


def pick_backoff():
    # ok: insecure-random-token
    delay = random.uniform(0.5, 1.5)
    return delay


def shuffle_questions(questions):
    # ok: insecure-random-token
    return random.sample(questions, k=len(questions))


def random_string(length=12):
    alphabet = string.ascii_letters + string.digits
    # ruleid: insecure-random-token
    return "".join(random.choice(alphabet) for _ in range(length))


def random_label(n):
    # ruleid: insecure-random-token
    label = "-".join(random.choices(WORDS, k=n))
    print(label)


def pick_colour():
    # ok: insecure-random-token
    return random.choice(COLOURS)


def random_safe_string(length=12):
    # ok: insecure-random-token
    return "".join(secrets.choice(string.ascii_letters) for _ in range(length))
