// The real telegate-emulator, telegate-worker and telegate-gateway on free
// loopback ports, wired as tests/integration/stack.cc wires them, plus an
// admin token (worker and gateway) and the emulator URL (gateway: enables the
// playground). Ports are learnt from each binary's JSON "listening" log line.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BOT_TOKEN = '424242:browser-test-token';
export const WEBHOOK_SECRET = 'browser_secret-123';
const START_TIMEOUT_MS = 20000;

const here = path.dirname(fileURLToPath(import.meta.url));

export function binDir() {
  return process.env.TELEGATE_BIN_DIR || path.resolve(here, '../../build/bin');
}

// One child process; keeps its stderr lines (our JSON logs) for waiting on
// events and for diagnostics.
export class Child {
  constructor(name, file, env) {
    this.name = name;
    this.lines = [];
    this.waiters = new Set();
    this.exited = null;
    this.proc = spawn(file, [], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    this.exitPromise = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => {
        this.exited = { code, signal };
        for (const w of this.waiters) w.check();
        resolve(this.exited);
      });
    });
    this.proc.once('error', (err) => {
      this.lines.push(JSON.stringify({ event: 'spawn_error', error: String(err) }));
      this.exited = { code: -1, signal: null };
      for (const w of this.waiters) w.check();
    });
    let partial = '';
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (chunk) => {
      partial += chunk;
      let nl;
      while ((nl = partial.indexOf('\n')) >= 0) {
        this.lines.push(partial.slice(0, nl));
        partial = partial.slice(nl + 1);
      }
      for (const w of this.waiters) w.check();
    });
  }

  // Resolves with the first JSON log line (from `from` on) matching `pred`.
  waitForLine(pred, what, timeoutMs = START_TIMEOUT_MS, from = 0) {
    return new Promise((resolve, reject) => {
      const waiter = {
        check: () => {
          for (let i = from; i < this.lines.length; i++) {
            let doc;
            try { doc = JSON.parse(this.lines[i]); } catch (_) { continue; }
            if (doc && pred(doc)) { done(); resolve(doc); return; }
          }
          if (this.exited) {
            done();
            reject(new Error(`${this.name} exited (${JSON.stringify(this.exited)}) before ${what}\n${this.tail()}`));
          }
        },
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name}: no ${what} within ${timeoutMs} ms\n${this.tail()}`));
      }, timeoutMs);
      const done = () => { clearTimeout(timer); this.waiters.delete(waiter); };
      this.waiters.add(waiter);
      waiter.check();
    });
  }

  async waitForListening(name) {
    const doc = await this.waitForLine(
        (d) => d.event === 'listening' && d.name === name, `"listening" line for ${name}`);
    const port = Number(String(doc.address).split(':').pop());
    if (!Number.isInteger(port) || port <= 0) throw new Error(`bad address in ${JSON.stringify(doc)}`);
    return port;
  }

  tail(n = 30) {
    return this.lines.slice(-n).map((l) => `  [${this.name}] ${l}`).join('\n');
  }

  // SIGTERM, then SIGKILL after `graceMs`.
  async stop(graceMs = 5000) {
    if (this.exited) return this.exited;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => { if (!this.exited) this.proc.kill('SIGKILL'); }, graceMs);
    const result = await this.exitPromise;
    clearTimeout(timer);
    return result;
  }

  kill() {
    if (!this.exited) this.proc.kill('SIGKILL');
    return this.exitPromise;
  }
}

function baseEnv() {
  const env = {};
  for (const name of ['PATH', 'ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS']) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  return env;
}

const live = new Set();
// Last resort if the test process dies without running its cleanup.
process.once('exit', () => { for (const c of live) c.kill(); });

function startChild(name, env) {
  const file = path.join(binDir(), name);
  if (!fs.existsSync(file)) {
    throw new Error(`${file} not found: build it or set TELEGATE_BIN_DIR`);
  }
  const child = new Child(name, file, { ...baseEnv(), ...env });
  live.add(child);
  child.exitPromise.then(() => live.delete(child));
  return child;
}

export class Stack {
  static async start() {
    const stack = new Stack();
    try {
      await stack.#start();
    } catch (err) {
      await stack.stop();
      throw err;
    }
    return stack;
  }

  constructor() {
    this.adminToken = crypto.randomBytes(18).toString('base64url');
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'telegate-browser-'));
    this.children = [];
  }

  async #start() {
    this.emulator = this.#spawn('telegate-emulator', {
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      EMULATOR_LISTEN: '127.0.0.1:0',
    });
    this.emulatorPort = await this.emulator.waitForListening('bot_api');

    this.worker = this.#spawn('telegate-worker', {
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_API_BASE_URL: `http://127.0.0.1:${this.emulatorPort}`,
      TELEGATE_GRPC_LISTEN: '127.0.0.1:0',
      TELEGATE_ENVIRONMENT: 'browser-test',
      TELEGATE_DATA_DIR: this.dataDir,
      TELEGATE_JOURNAL_SYNC: 'normal',
      TELEGATE_ADMIN_TOKEN: this.adminToken,
    });
    this.grpcPort = await this.worker.waitForListening('grpc');

    await this.startGateway('127.0.0.1:0', '127.0.0.1:0');

    const hook = await this.emulatorCall('POST', `/bot${BOT_TOKEN}/setWebhook`, {
      url: `http://127.0.0.1:${this.publicPort}/webhook`,
      secret_token: WEBHOOK_SECRET,
    });
    if (hook.status !== 200) throw new Error(`setWebhook: ${hook.status} ${JSON.stringify(hook.body)}`);
  }

  // Starts a gateway; the listen addresses let a restarted one take the
  // ports of the previous one.
  async startGateway(listen, adminListen) {
    this.gateway = this.#spawn('telegate-gateway', {
      TELEGATE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      TELEGATE_LISTEN: listen,
      TELEGATE_ADMIN_LISTEN: adminListen,
      TELEGATE_WORKER_ADDRESS: `127.0.0.1:${this.grpcPort}`,
      TELEGATE_ACK_TIMEOUT_MS: '5000',
      TELEGATE_ADMIN_TOKEN: this.adminToken,
      TELEGATE_EMULATOR_URL: `http://127.0.0.1:${this.emulatorPort}`,
    });
    this.publicPort = await this.gateway.waitForListening('public');
    this.adminPort = await this.gateway.waitForListening('admin');
    // The gateway may open its stream to the worker a moment after listening.
    await this.gateway.waitForLine((d) => d.event === 'worker_stream_opened',
                                   '"worker_stream_opened" line');
    this.adminUrl = `http://127.0.0.1:${this.adminPort}`;
  }

  // Kills the gateway and starts a new one on the same two ports.
  async restartGateway() {
    await this.gateway.kill();
    await this.startGateway(`127.0.0.1:${this.publicPort}`, `127.0.0.1:${this.adminPort}`);
  }

  #spawn(name, env) {
    const child = startChild(name, env);
    this.children.push(child);
    return child;
  }

  async emulatorCall(method, urlPath, body) {
    return jsonRequest(`http://127.0.0.1:${this.emulatorPort}${urlPath}`, method, body);
  }

  // The webhook sender: a private-chat text message, posted to the gateway.
  async sendText(chatId, text) {
    const res = await this.emulatorCall('POST', '/_emulator/updates', { chat_id: chatId, text });
    if (res.status !== 200 || res.body.status !== 200) {
      throw new Error(`sending "${text}": ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  // sendMessage calls the bot made, oldest first.
  async sendMessageCalls() {
    const res = await this.emulatorCall('GET', '/_emulator/calls?method=sendMessage');
    return Array.isArray(res.body.calls) ? res.body.calls : [];
  }

  logs() {
    return this.children.map((c) => c.tail()).join('\n');
  }

  async stop() {
    await Promise.all(this.children.map((c) => c.stop()));
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export async function jsonRequest(url, method = 'GET', body = undefined, headers = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(url, init);
  const textBody = await res.text();
  let json = {};
  try { json = JSON.parse(textBody); } catch (_) { json = { raw: textBody }; }
  return { status: res.status, headers: res.headers, body: json };
}
