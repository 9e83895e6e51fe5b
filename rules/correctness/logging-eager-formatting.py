import logging

logger = logging.getLogger(__name__)


def login(user):
    # ruleid: logging-eager-formatting
    logger.info(f"user {user.name} logged in")
    # ruleid: logging-eager-formatting
    logging.warning("quota for {} exceeded".format(user.name))
    # ruleid: logging-eager-formatting
    logger.debug("payload: %s" % user.payload)


def login_ok(user):
    # ok: logging-eager-formatting
    logger.info("user %s logged in", user.name)
    # ok: logging-eager-formatting
    logger.info(f"static message")
    # ok: logging-eager-formatting
    print(f"user {user.name} logged in")
    # ok: logging-eager-formatting
    logger.info("adding '%s' to '%s'", user.name, user.group)
