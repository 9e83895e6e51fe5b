import asyncio
import time


async def poll(client):
    while not await client.ready():
        # ruleid: time-sleep-in-async
        time.sleep(0.5)


async def retry(func, attempts=3):
    for n in range(attempts):
        try:
            return await func()
        except ConnectionError:
            # ruleid: time-sleep-in-async
            time.sleep(2 ** n)
    return None


async def poll_ok(client):
    while not await client.ready():
        # ok: time-sleep-in-async
        await asyncio.sleep(0.5)


def blocking_wait():
    # ok: time-sleep-in-async
    time.sleep(1)


async def offload():
    # ok: time-sleep-in-async
    await asyncio.to_thread(time.sleep, 1)
