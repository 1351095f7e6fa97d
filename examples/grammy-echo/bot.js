// An ordinary grammY webhook bot on Node's plain http server. It knows
// nothing about telegate: text is echoed back, /start answers with an inline
// keyboard, and a button press is answered and then edits the /start reply,
// found by the message_id its sendMessage returned.
//
// Environment:
//   BOT_TOKEN       the bot's token (required; never logged)
//   BOT_API_BASE    Bot API root (default https://api.telegram.org)
//   WEBHOOK_LISTEN  host:port for the webhook (default 127.0.0.1:8090; port 0
//                   picks a free one, printed on the first log line)
//   WEBHOOK_SECRET  expected X-Telegram-Bot-Api-Secret-Token ("" = unchecked)
import http from 'node:http';
import { Bot, webhookCallback } from 'grammy';

const REMEMBERED_UPDATES = 10000;
const MAX_BODY_BYTES = 1 << 20;
const KEYBOARD = {
  inline_keyboard: [[
    { text: 'Yes', callback_data: 'yes' },
    { text: 'No', callback_data: 'no' },
  ]],
};

function log(fields) {
  const line = Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(' ');
  process.stderr.write(`${line}\n`);
}

function loadConfig(env) {
  const token = env.BOT_TOKEN ?? '';
  if (!token || token.includes('/')) throw new Error('BOT_TOKEN must be set (digits:letters)');
  const listen = env.WEBHOOK_LISTEN ?? '127.0.0.1:8090';
  const colon = listen.lastIndexOf(':');
  const host = listen.slice(0, colon).replace(/^\[|\]$/g, '');
  const port = Number(listen.slice(colon + 1));
  if (colon <= 0 || !host || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error('WEBHOOK_LISTEN must be host:port');
  }
  return {
    token,
    apiRoot: (env.BOT_API_BASE || 'https://api.telegram.org').replace(/\/+$/, ''),
    host,
    port,
    secret: env.WEBHOOK_SECRET ?? '',
  };
}

function makeBot(config) {
  const bot = new Bot(config.token, { client: { apiRoot: config.apiRoot } });
  const seen = new Set(); // update_ids handled (insertion order: oldest first)
  const startReplies = new Map(); // chat_id -> message_id of the /start reply

  // Telegram may deliver an update again; the first delivery is the one.
  bot.use(async (ctx, next) => {
    const id = ctx.update.update_id;
    if (seen.has(id)) {
      log({ update_id: id, action: 'duplicate' });
      return;
    }
    seen.add(id);
    if (seen.size > REMEMBERED_UPDATES) seen.delete(seen.values().next().value);
    ctx.fields = { update_id: id };
    try {
      await next();
    } catch (err) {
      seen.delete(id); // failed: a redelivery must run again
      log({ ...ctx.fields, error: JSON.stringify(String(err.message ?? err)) });
      throw err;
    }
    log({ ...ctx.fields, action: ctx.fields.action ?? 'ignored' });
  });

  bot.command('start', async (ctx) => {
    const sent = await ctx.reply('Pick one:', { reply_markup: KEYBOARD });
    startReplies.set(ctx.chat.id, sent.message_id);
    Object.assign(ctx.fields, { chat_id: ctx.chat.id, action: 'keyboard', message_id: sent.message_id });
  });

  bot.on('message:text', async (ctx) => {
    await ctx.reply(ctx.message.text);
    Object.assign(ctx.fields, { chat_id: ctx.chat.id, action: 'echo' });
  });

  bot.on('callback_query:data', async (ctx) => {
    const data = ctx.callbackQuery.data;
    await ctx.answerCallbackQuery({ text: `You chose ${data}` });
    ctx.fields.action = 'answered';
    const message = ctx.callbackQuery.message;
    if (!message) return; // an inline message: nothing of ours to edit
    const chatId = message.chat.id;
    const remembered = startReplies.get(chatId);
    const match = remembered === message.message_id;
    // An older keyboard, or one sent before a restart: edit what was pressed.
    const target = match ? remembered : message.message_id;
    await ctx.api.editMessageText(chatId, target, `You chose: ${data}`);
    Object.assign(ctx.fields, {
      chat_id: chatId,
      action: 'answered+edited',
      match: match ? 'yes' : `no(remembered=${remembered})`,
      message_id: target,
    });
  });

  return bot;
}

function main() {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    process.stderr.write(`bot.js: ${err.message}\n`);
    process.exit(2);
  }
  const bot = makeBot(config);
  const handle = webhookCallback(bot, 'http', {
    secretToken: config.secret || undefined,
    timeoutMilliseconds: 30000,
  });
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
      res.writeHead(413).end('body too large');
      return;
    }
    handle(req, res).catch((err) => {
      // Malformed JSON is the sender's fault; anything else (a failed Bot
      // API call) answers 500 so Telegram delivers the update again.
      const status = err instanceof SyntaxError ? 400 : 500;
      log({ status, error: JSON.stringify(String(err.message ?? err)) });
      if (!res.headersSent) res.writeHead(status);
      res.end();
    });
  });
  server.listen(config.port, config.host, () => {
    const { address, port } = server.address();
    log({ event: 'listening', address: `${address}:${port}`, secret_checked: config.secret ? 'yes' : 'no' });
  });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => server.close(() => process.exit(0)));
  }
}

main();
