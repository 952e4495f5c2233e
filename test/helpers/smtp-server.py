"""A real SMTP server for the e-mail notifier's tests: aiosmtpd (Debian python3-aiosmtpd) on
127.0.0.1, with STARTTLS or implicit TLS and AUTH. It answers each DATA with the next reply
queued in <dir>/replies.json (then 250), records every attempt in <dir>/attempts.jsonl and keeps
each accepted message as <dir>/<n>.eml. Prints "READY <port>" once it listens."""
import argparse
import asyncio
import json
import os
import ssl
import sys
from email import message_from_bytes

import socket

from aiosmtpd.smtp import SMTP, AuthResult

parser = argparse.ArgumentParser()
parser.add_argument("--dir", required=True)
parser.add_argument("--tls", choices=["starttls", "implicit"], required=True)
parser.add_argument("--cert", required=True)
parser.add_argument("--key", required=True)
parser.add_argument("--user", required=True)
parser.add_argument("--password", required=True)
args = parser.parse_args()


def next_reply():
    path = os.path.join(args.dir, "replies.json")
    try:
        with open(path) as f:
            queue = json.load(f)
    except FileNotFoundError:
        return "250 OK"
    if not queue:
        return "250 OK"
    reply = queue.pop(0)
    with open(path, "w") as f:
        json.dump(queue, f)
    return reply


class Handler:
    accepted = 0

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content)
        reply = next_reply()
        with open(os.path.join(args.dir, "attempts.jsonl"), "a") as f:
            f.write(json.dumps({"messageId": message.get("Message-ID"), "reply": reply, "rcpt": envelope.rcpt_tos, "from": envelope.mail_from}) + "\n")
        if reply.startswith("250"):
            Handler.accepted += 1
            with open(os.path.join(args.dir, f"{Handler.accepted:03d}.eml"), "wb") as f:
                f.write(envelope.original_content or envelope.content)
        return reply


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login.decode() == args.user and auth_data.password.decode() == args.password
    # handled=False: aiosmtpd then answers 535 itself.
    return AuthResult(success=ok, handled=False)


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(args.cert, args.key)


def factory():
    # With implicit TLS the socket is TLS before SMTP starts, which aiosmtpd cannot see: AUTH is then allowed as is.
    common = dict(hostname="127.0.0.1", authenticator=authenticator, auth_required=True, auth_require_tls=args.tls == "starttls")
    if args.tls == "starttls":
        return SMTP(Handler(), tls_context=context, require_starttls=True, **common)
    return SMTP(Handler(), **common)


# Bound here on port 0 and handed over, so no other process can take the port in between.
sock = socket.socket()
sock.bind(("127.0.0.1", 0))
loop = asyncio.new_event_loop()
server = loop.run_until_complete(loop.create_server(factory, sock=sock, ssl=context if args.tls == "implicit" else None))
print(f"READY {sock.getsockname()[1]}", flush=True)
# Ends when the test closes stdin (or dies).
loop.add_reader(sys.stdin.fileno(), lambda: loop.stop() if not os.read(sys.stdin.fileno(), 4096) else None)
loop.run_forever()
server.close()
