import asyncio
import os

from flask import Flask

app = Flask(__name__)

if __name__ == "__main__":
    # ruleid: flask-debug-enabled
    app.run(host="0.0.0.0", port=5000, debug=True)


def configure(application):
    # ruleid: flask-debug-enabled
    application.config["DEBUG"] = True


def serve():
    # ok: flask-debug-enabled
    app.run(debug=os.environ.get("FLASK_DEBUG") == "1")


async def main():
    return 1


# ok: flask-debug-enabled
asyncio.run(main(), debug=True)
