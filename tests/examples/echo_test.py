#!/usr/bin/python3
"""Runs an example bot for real against telegate-emulator as its Bot API.

The emulator posts updates to the bot's webhook as Telegram does (JSON body,
X-Telegram-Bot-Api-Secret-Token); the bot calls the emulator back; the
recorded calls (GET /_emulator/calls) are checked:
  * every text in 20 chats is echoed once, in order per chat;
  * a repeated update_id is handled once;
  * a failed sendMessage (500, then 429) is retried, by the bot or by a
    redelivery, and honours retry_after;
  * /start gets a keyboard and the button press answerCallbackQuery, then
    editMessageText of the message_id the emulator returned for that reply;
  * a wrong or missing secret is 401, malformed JSON 400, the token is never
    logged; with --webhook-reply, an echo comes back in the webhook answer.

  echo_test.py --emulator BIN --bot-command "CMD ..." [--webhook-reply]

Standard library only (Debian's /usr/bin/python3). Ports are free ones
learnt from each program's "listening" log line.
"""

import argparse
import concurrent.futures
import json
import os
import queue
import re
import shlex
import subprocess
import sys
import threading
import urllib.error
import urllib.request

TOKEN = "424242:examples-test-token"
SECRET = "examples_secret-42"
CHATS = [1001 + i for i in range(18)] + [-1002003004005, -1002003004006]
TEXTS_PER_CHAT = 5
START_TIMEOUT = 30
HTTP_TIMEOUT = 60
FAILURES = []


def check(condition, what):
    if not condition:
        FAILURES.append(what)
        print(f"FAIL: {what}", file=sys.stderr)
    return condition


class Child:
    """A program whose stderr lines are kept (and echoed with a prefix)."""

    def __init__(self, name, argv, env):
        self.name = name
        self.lines = []
        self._new = queue.Queue()
        self.proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stderr:
            line = line.rstrip("\n")
            self.lines.append(line)
            self._new.put(line)
            print(f"[{self.name}] {line}", file=sys.stderr)
        self._new.put(None)

    def wait_for(self, pattern):
        """The first match of `pattern` in a stderr line, or exit(1)."""
        regex = re.compile(pattern)
        while True:
            try:
                line = self._new.get(timeout=START_TIMEOUT)
            except queue.Empty:
                line = None
            if line is None:
                sys.exit(f"{self.name}: no line matching {pattern!r} "
                         f"(exit code {self.proc.poll()})")
            if m := regex.search(line):
                return m

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(timeout=5)


def http(method, url, body=None, headers=None):
    """(status, body bytes) of one request; HTTP errors are answers too."""
    data = body if body is None or isinstance(body, bytes) else \
        json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers=headers or {})
    if data is not None and "Content-Type" not in request.headers:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class Emulator:
    def __init__(self, binary):
        env = dict(os.environ, EMULATOR_LISTEN="127.0.0.1:0",
                   TELEGRAM_BOT_TOKEN=TOKEN, TELEGATE_LOG_LEVEL="info")
        self.child = Child("emulator", [binary], env)
        m = self.child.wait_for(r'"address":"([^"]+)".*"event":"listening"')
        self.base = f"http://{m.group(1)}"

    def bot_api(self, method, params):
        status, body = http("POST", f"{self.base}/bot{TOKEN}/{method}",
                            params)
        answer = json.loads(body)
        if not answer.get("ok"):
            sys.exit(f"{method}: {status} {answer}")
        return answer["result"]

    def post_update(self, update):
        """Has the emulator post `update` (its shorthand or a full Update)
        to the webhook: {"update_id", "status", "body"}."""
        status, body = http("POST", f"{self.base}/_emulator/updates", update)
        answer = json.loads(body)
        if status != 200:
            sys.exit(f"/_emulator/updates {update}: {status} {answer}")
        return answer

    def add_fault(self, fault):
        status, body = http("POST", f"{self.base}/_emulator/faults", fault)
        if status != 200:
            sys.exit(f"/_emulator/faults {fault}: {status} {body!r}")

    def calls(self, method=""):
        status, body = http("GET",
                            f"{self.base}/_emulator/calls?method={method}")
        return json.loads(body)["calls"]


def start_bot(command, emulator, extra_env=None):
    env = dict(os.environ, BOT_TOKEN=TOKEN, BOT_API_BASE=emulator.base,
               WEBHOOK_LISTEN="127.0.0.1:0", WEBHOOK_SECRET=SECRET)
    env.update(extra_env or {})
    bot = Child("bot", shlex.split(command), env)
    m = bot.wait_for(r"event=listening address=(\S+)")
    url = f"http://{m.group(1)}/"
    emulator.bot_api("setWebhook", {"url": url, "secret_token": SECRET})
    return bot, url


def check_webhook_guards(url):
    update = json.dumps({"update_id": 1, "message": {
        "message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"},
        "text": "never echoed"}}).encode()
    wrong, _ = http("POST", url, update,
                    {"X-Telegram-Bot-Api-Secret-Token": "not-the-secret"})
    check(wrong == 401, f"wrong secret answers 401, got {wrong}")
    missing, _ = http("POST", url, update)
    check(missing == 401, f"missing secret answers 401, got {missing}")
    bad, _ = http("POST", url, b'{"update_id": 7, "message": ',
                  {"X-Telegram-Bot-Api-Secret-Token": SECRET})
    check(bad == 400, f"malformed JSON answers 400, got {bad}")


def post_chat_texts(emulator, chat):
    """Posts this chat's texts one after another (Telegram's per-chat
    order); returns the texts."""
    texts = [f"chat {chat} message {i} héllo 👋" for i in range(TEXTS_PER_CHAT)]
    for text in texts:
        answer = emulator.post_update({"chat_id": chat, "text": text})
        check(answer.get("status") == 200,
              f"webhook answered 200 for {text!r}: {answer}")
    return texts


def check_echoes(emulator):
    with concurrent.futures.ThreadPoolExecutor(len(CHATS)) as pool:
        sent = dict(zip(CHATS, pool.map(
            lambda c: post_chat_texts(emulator, c), CHATS)))
    echoes = {}
    for call in emulator.calls("sendMessage"):
        params = call["params"]
        if "reply_markup" not in params:
            echoes.setdefault(int(params["chat_id"]), []).append(
                params["text"])
        check(call["http_status"] == 200, f"sendMessage answered 200: {call}")
    for chat, texts in sent.items():
        check(echoes.get(chat) == texts,
              f"chat {chat}: echoed {echoes.get(chat)}, posted {texts}")
    return sent


def check_duplicate(emulator):
    chat = 777
    update = {"update_id": 9000000000000, "message": {
        "message_id": 1, "date": 1700000000,
        "from": {"id": chat, "is_bot": False, "first_name": "Dup"},
        "chat": {"id": chat, "type": "private", "first_name": "Dup"},
        "text": "only once"}}
    for _ in range(2):
        answer = emulator.post_update(update)
        check(answer.get("status") == 200, f"duplicate answered 200: {answer}")
    texts = [c["params"]["text"] for c in emulator.calls("sendMessage")
             if int(c["params"]["chat_id"]) == chat]
    check(texts == ["only once"], f"a repeated update_id echoed {texts}")


def check_failed_call(emulator):
    """A 500 from sendMessage, then flood control: the bot retries (after
    retry_after) or fails the webhook so that Telegram delivers again (here
    at once); in the end the text is echoed once."""
    chat = 888
    emulator.add_fault({"faults": [
        {"method": "sendMessage", "chat_id": chat, "error_code": 500},
        {"method": "sendMessage", "chat_id": chat, "error_code": 429,
         "retry_after": 1}]})
    update = {"update_id": 9000000000100, "message": {
        "message_id": 1, "date": 1700000000,
        "from": {"id": chat, "is_bot": False, "first_name": "Flood"},
        "chat": {"id": chat, "type": "private", "first_name": "Flood"},
        "text": "despite errors"}}
    statuses = []
    for _ in range(3):  # Telegram's redeliveries, as long as it is not 2xx
        statuses.append(emulator.post_update(update).get("status"))
        if statuses[-1] == 200:
            break
    check(statuses[-1] == 200 and all(s >= 500 for s in statuses[:-1]),
          f"webhook answers 5xx until the echo went out, then 200: {statuses}")
    calls = [c for c in emulator.calls("sendMessage")
             if int(c["params"]["chat_id"]) == chat]
    check([c["http_status"] for c in calls] == [500, 429, 200],
          f"sendMessage answered 500, 429, 200: {calls}")
    if statuses == [200] and len(calls) == 3:  # the bot retried itself
        waited = (calls[2]["time_us"] - calls[1]["time_us"]) / 1e6
        check(waited >= 0.9, f"retry_after 1 honoured, waited {waited:.2f} s")


def check_keyboard_and_edit(emulator, bot, chat, texts_posted):
    answer = emulator.post_update({"chat_id": chat, "text": "/start"})
    check(answer.get("status") == 200, f"/start answered 200: {answer}")
    # The emulator numbers a chat's messages, the users' and the bot's, from
    # 1 on: the reply's id is the count of both, the reply included.
    in_chat = [c for c in emulator.calls("sendMessage")
               if int(c["params"]["chat_id"]) == chat]
    keyboards = [c for c in in_chat if "reply_markup" in c["params"]]
    if not check(len(keyboards) == 1, f"one /start reply: {keyboards}"):
        return
    check(keyboards[0]["params"]["reply_markup"].get("inline_keyboard"),
          f"the /start reply has an inline keyboard: {keyboards[0]}")
    replied_id = len(texts_posted) + 1 + len(in_chat)
    button = keyboards[0]["params"]["reply_markup"]["inline_keyboard"][0][0]
    answer = emulator.post_update({
        "chat_id": chat, "callback_data": button["callback_data"],
        "message_id": replied_id, "text": keyboards[0]["params"]["text"]})
    check(answer.get("status") == 200, f"button press answered 200: {answer}")
    answered = emulator.calls("answerCallbackQuery")
    edits = emulator.calls("editMessageText")
    query_id = str(4000000000000000000 + answer["update_id"])
    check(len(answered) == 1 and
          answered[0]["params"].get("callback_query_id") == query_id,
          f"answerCallbackQuery for query {query_id}: {answered}")
    if not check(len(edits) == 1, f"one editMessageText: {edits}"):
        return
    edit = edits[0]
    check(int(edit["params"]["chat_id"]) == chat and
          int(edit["params"]["message_id"]) == replied_id,
          f"editMessageText of chat {chat} message {replied_id}: {edit}")
    check(edit["http_status"] == 200, f"editMessageText answered 200: {edit}")
    learnt = [l for l in bot.lines if f"chat_id={chat} action=keyboard" in l]
    check(len(learnt) == 1 and f"message_id={replied_id}" in learnt[0],
          f"the bot logged the id sendMessage returned ({replied_id}): "
          f"{learnt}")
    pressed = [l for l in bot.lines if "action=answered+edited" in l]
    check(len(pressed) == 1 and "match=yes" in pressed[0],
          f"the pressed message is the remembered one: {pressed}")
    check(answered and answered[0]["seq"] < edit["seq"],
          "answerCallbackQuery came before editMessageText")


def check_webhook_reply(emulator, command):
    bot, _ = start_bot(command, emulator, {"WEBHOOK_REPLY": "1"})
    try:
        chat = 4242
        before = len(emulator.calls("sendMessage"))
        answer = emulator.post_update({"chat_id": chat, "text": "in reply"})
        check(answer.get("status") == 200, f"answered 200: {answer}")
        try:
            reply = json.loads(answer.get("body") or "null")
        except ValueError:
            reply = answer.get("body")
        check(reply == {"method": "sendMessage", "chat_id": chat,
                        "text": "in reply"},
              f"the echo is the webhook answer: {reply!r}")
        check(len(emulator.calls("sendMessage")) == before,
              "no sendMessage call for an echo answered in the webhook reply")
    finally:
        bot.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--emulator", required=True)
    parser.add_argument("--bot-command", required=True)
    parser.add_argument("--webhook-reply", action="store_true")
    args = parser.parse_args()

    emulator = Emulator(args.emulator)
    bot = None
    try:
        bot, url = start_bot(args.bot_command, emulator)
        check_webhook_guards(url)
        sent = check_echoes(emulator)
        check_duplicate(emulator)
        check_failed_call(emulator)
        check_keyboard_and_edit(emulator, bot, CHATS[0], sent[CHATS[0]])
        bot.stop()
        if args.webhook_reply:
            check_webhook_reply(emulator, args.bot_command)
        secret_lines = [l for l in bot.lines if TOKEN in l or SECRET in l]
        check(not secret_lines, f"token or secret logged: {secret_lines}")
        updates = [l for l in bot.lines if "update_id=" in l]
        check(len(updates) >= len(CHATS) * TEXTS_PER_CHAT + 5,
              f"one log line per update, got {len(updates)}")
    finally:
        if bot is not None:
            bot.stop()
        emulator.child.stop()
    if FAILURES:
        print(f"0 passed, {len(FAILURES)} failed", file=sys.stderr)
        return 1
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
