#!/usr/bin/python3
"""An ordinary Telegram webhook bot, standard library only.

It knows nothing about telegate: it serves a webhook the way Telegram calls
one and makes Bot API calls against BOT_API_BASE. Text is echoed back, /start
answers with an inline keyboard, and a button press is answered and then
edits the /start reply, found by the message_id its sendMessage returned.

Environment:
  BOT_TOKEN        the bot's token (required; never logged)
  BOT_API_BASE     Bot API root (default https://api.telegram.org)
  WEBHOOK_LISTEN   host:port to serve the webhook on (default 127.0.0.1:8090;
                   port 0 picks a free one, printed on the first log line)
  WEBHOOK_SECRET   expected X-Telegram-Bot-Api-Secret-Token ("" = unchecked)
  WEBHOOK_REPLY    1: answer plain echoes in the webhook reply body instead
                   of calling sendMessage
"""

import collections
import hmac
import http.client
import http.server
import json
import os
import random
import socket
import sys
import threading
import time
import urllib.error
import urllib.request

MAX_BODY_BYTES = 1 << 20
REMEMBERED_UPDATES = 10000
API_TIMEOUT_SECONDS = 30
MAX_ATTEMPTS = 4
MAX_RETRY_AFTER_SECONDS = 30
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
KEYBOARD = {
    "inline_keyboard": [[
        {"text": "Yes", "callback_data": "yes"},
        {"text": "No", "callback_data": "no"},
    ]]
}


class Config:
    def __init__(self, env):
        self.token = env.get("BOT_TOKEN", "")
        self.api_base = env.get("BOT_API_BASE", "https://api.telegram.org")
        self.api_base = self.api_base.rstrip("/")
        if not self.api_base.startswith(("http://", "https://")):
            raise ValueError("BOT_API_BASE must start with http:// or https://")
        listen = env.get("WEBHOOK_LISTEN", "127.0.0.1:8090")
        host, sep, port = listen.rpartition(":")
        if not sep or not host or not port.isdigit() or int(port) > 65535:
            raise ValueError("WEBHOOK_LISTEN must be host:port")
        self.host = host.strip("[]")
        self.port = int(port)
        self.secret = env.get("WEBHOOK_SECRET", "")
        self.webhook_reply = env.get("WEBHOOK_REPLY", "") in ("1", "true")
        if not self.token or "/" in self.token:
            raise ValueError("BOT_TOKEN must be set (digits:letters)")


class BotApiError(Exception):
    """A Bot API call that failed; `transient` says whether a later
    redelivery of the update could succeed."""

    def __init__(self, method, code, description, transient):
        super().__init__(f"{method}: {code} {description}")
        self.transient = transient


_log_lock = threading.Lock()


def log(**fields):
    line = " ".join(f"{k}={v}" for k, v in fields.items()) + "\n"
    with _log_lock:  # whole lines, from any handler thread
        sys.stderr.write(line)
        sys.stderr.flush()


class BotApi:
    """Blocking Bot API client: one call, bounded retries for 429 (honouring
    retry_after), 5xx and network errors; 4xx other than 429 is permanent."""

    def __init__(self, base, token):
        self._base = base
        self._token = token

    def call(self, method, **params):
        url = f"{self._base}/bot{self._token}/{method}"
        body = json.dumps(params).encode()
        for attempt in range(1, MAX_ATTEMPTS + 1):
            result, error = self._once(url, method, body)
            if error is None:
                return result
            if not error.transient or attempt == MAX_ATTEMPTS:
                raise error
            retry_after = result
            time.sleep(retry_after if retry_after is not None else
                       min(2.0, 0.1 * 2 ** attempt) * random.uniform(0.5, 1))
        raise AssertionError("unreachable")

    def _once(self, url, method, body):
        """(result, None) on success, else (retry_after or None, error)."""
        request = urllib.request.Request(
            url, data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request,
                                        timeout=API_TIMEOUT_SECONDS) as r:
                answer = json.loads(r.read())
        except urllib.error.HTTPError as e:
            try:
                answer = json.loads(e.read())
            except ValueError:
                answer = {"ok": False, "error_code": e.code,
                          "description": e.reason}
        except (OSError, ValueError, http.client.HTTPException) as e:
            # URLError is an OSError. The type, and a socket error's text:
            # other messages may quote the URL, which holds the token.
            why = type(e).__name__
            reason = getattr(e, "reason", None)
            if isinstance(reason, OSError) and reason.strerror:
                why = f"{why}({reason.strerror})"
            return None, BotApiError(method, 0, why, transient=True)
        if answer.get("ok") is True:
            return answer.get("result"), None
        code = answer.get("error_code", 0)
        description = answer.get("description", "")
        retry_after = (answer.get("parameters") or {}).get("retry_after")
        if code == 429 and isinstance(retry_after, int):
            if retry_after > MAX_RETRY_AFTER_SECONDS:
                return None, BotApiError(method, code, description, False)
            return retry_after, BotApiError(method, code, description, True)
        return None, BotApiError(method, code, description,
                                 transient=code == 429 or code >= 500)


class EchoBot:
    """What the bot does with one update: pure decisions plus Bot API calls.
    Thread-safe: updates of different chats are handled at once."""

    def __init__(self, api, webhook_reply):
        self._api = api
        self._webhook_reply = webhook_reply
        self._lock = threading.Lock()
        self._seen = collections.OrderedDict()  # update_id -> None
        self._start_replies = {}  # chat_id -> message_id of the /start reply

    def claim(self, update_id):
        """False when this update_id was already handled (or is now)."""
        with self._lock:
            if update_id in self._seen:
                return False
            self._seen[update_id] = None
            while len(self._seen) > REMEMBERED_UPDATES:
                self._seen.popitem(last=False)
            return True

    def release(self, update_id):
        """Forgets a claim whose handling failed, so a redelivery runs."""
        with self._lock:
            self._seen.pop(update_id, None)

    def handle(self, update, fields):
        """Handles one update; returns a webhook reply body (a Bot API call)
        or None. Raises BotApiError."""
        if "message" in update:
            return self._on_message(update["message"], fields)
        if "callback_query" in update:
            self._on_callback(update["callback_query"], fields)
            return None
        fields["action"] = "ignored"
        return None

    def _on_message(self, message, fields):
        chat_id = message["chat"]["id"]
        text = message.get("text")
        fields["chat_id"] = chat_id
        if not isinstance(text, str) or not text:
            fields["action"] = "ignored"
            return None
        command = text.split(maxsplit=1)[0].split("@", 1)[0]
        if command == "/start":
            sent = self._api.call("sendMessage", chat_id=chat_id,
                                  text="Pick one:", reply_markup=KEYBOARD)
            with self._lock:
                self._start_replies[chat_id] = sent["message_id"]
            fields["action"] = "keyboard"
            fields["message_id"] = sent["message_id"]
            return None
        if self._webhook_reply:
            fields["action"] = "echo_in_reply"
            return {"method": "sendMessage", "chat_id": chat_id, "text": text}
        self._api.call("sendMessage", chat_id=chat_id, text=text)
        fields["action"] = "echo"
        return None

    def _on_callback(self, query, fields):
        self._api.call("answerCallbackQuery", callback_query_id=query["id"],
                       text=f"You chose {query.get('data', '')}")
        fields["action"] = "answered"
        message = query.get("message")
        if not message:
            return  # an inline message: nothing of ours to edit
        chat_id = message["chat"]["id"]
        fields["chat_id"] = chat_id
        with self._lock:
            remembered = self._start_replies.get(chat_id)
        pressed_on = message.get("message_id")
        if remembered == pressed_on:
            fields["match"] = "yes"
        else:
            # An older keyboard, or one sent before a restart: edit what was
            # pressed.
            fields["match"] = f"no(remembered={remembered})"
        target = remembered if remembered == pressed_on else pressed_on
        self._api.call("editMessageText", chat_id=chat_id, message_id=target,
                       text=f"You chose: {query.get('data', '')}")
        fields["action"] = "answered+edited"
        fields["message_id"] = target


class WebhookHandler(http.server.BaseHTTPRequestHandler):
    """Transport only: checks the secret, reads the JSON, answers."""

    bot = None  # set by main
    secret = b""
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        if WebhookHandler.secret:
            got = self.headers.get(SECRET_HEADER, "").encode()
            if not hmac.compare_digest(got, WebhookHandler.secret):
                log(status=401, reason="wrong_secret")
                return self._answer(401, b"wrong secret token")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return self._answer(411, b"Content-Length required")
        if length < 0 or length > MAX_BODY_BYTES:
            return self._answer(413, b"body too large")
        raw = self.rfile.read(length)
        try:
            update = json.loads(raw)
            update_id = update["update_id"]
            if not isinstance(update_id, int):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            log(status=400, reason="malformed_update")
            return self._answer(400, b"malformed update")
        fields = {"update_id": update_id}
        if not self.bot.claim(update_id):
            fields.update(action="duplicate", status=200)
            log(**fields)
            return self._answer(200, b"")
        try:
            reply = self.bot.handle(update, fields)
        except BotApiError as e:
            # Transient: 503, so Telegram delivers the update again later.
            status = 503 if e.transient else 200
            if e.transient:
                self.bot.release(update_id)
            log(**fields, error=f'"{e}"', status=status)
            return self._answer(status, b"")
        except (KeyError, TypeError, AttributeError):
            log(**fields, status=400, reason="unexpected_update_shape")
            return self._answer(400, b"unexpected update shape")
        except Exception as e:  # a bug: answer, log the type only
            self.bot.release(update_id)
            log(**fields, status=500, error=type(e).__name__)
            return self._answer(500, b"")
        log(**fields, status=200)
        if reply is None:
            return self._answer(200, b"")
        return self._answer(200, json.dumps(reply).encode(),
                            "application/json")

    def _answer(self, status, body, content_type="text/plain"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # one line per update is ours
        pass


def main():
    try:
        config = Config(os.environ)
    except ValueError as e:
        print(f"bot.py: {e}", file=sys.stderr)
        return 2
    WebhookHandler.bot = EchoBot(BotApi(config.api_base, config.token),
                                 config.webhook_reply)
    WebhookHandler.secret = config.secret.encode()
    # Telegram opens up to max_connections (default 40) at once: a listen
    # backlog of the default 5 would drop some.
    server_class = type("WebhookServer", (http.server.ThreadingHTTPServer,),
                        {"request_queue_size": 128})
    if ":" in config.host:
        server_class = type("WebhookServer6", (server_class,),
                            {"address_family": socket.AF_INET6})
    server = server_class((config.host, config.port), WebhookHandler)
    server.daemon_threads = True
    host, port = server.server_address[:2]
    log(event="listening", address=f"{host}:{port}",
        secret_checked="yes" if config.secret else "no",
        webhook_reply="yes" if config.webhook_reply else "no")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
