import asyncio


async def send_email(to, body):
    await asyncio.sleep(0)
    return to, body


class Notifier:
    async def notify(self, user):
        await send_email(user.email, "hi")

    async def notify_all(self, users):
        for u in users:
            # ruleid: missing-await
            self.notify(u)


async def signup(user):
    user.save()
    # ruleid: missing-await
    send_email(user.email, "welcome")


async def signup_ok(user):
    # ok: missing-await
    await send_email(user.email, "welcome")


async def signup_background(user):
    # ok: missing-await
    task = asyncio.create_task(send_email(user.email, "welcome"))
    return task


async def stream_all(users):
    # ok: missing-await
    async for item in ticker(users):
        print(item)


async def ticker(items):
    for i in items:
        yield i


async def batch(users):
    # ok: missing-await
    coros = [send_email(u.email, "hi") for u in users]
    return await asyncio.gather(*coros)
