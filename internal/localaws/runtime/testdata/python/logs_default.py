import logging


def handler(event, context):
    logging.getLogger().info("info from a handler that sets no level")
    logging.getLogger().debug("debug from a handler that sets no level")
    logging.getLogger("payments").warning("two lines\nin one record")
    return {}
