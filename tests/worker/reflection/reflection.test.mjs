// Server reflection of the real telegate-worker through `buf curl`: every
// service the worker serves is listed and describable (its methods resolve
// against the reflected schema), and grpc.health.v1.Health/Check answers
// SERVING. The worker's Bot API is unreachable on purpose (its /health says
// unhealthy); the gRPC listener and reflection do not depend on it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { Child, binDir } from '../../browser/stack.mjs';

const run = promisify(execFile);
const buf = process.env.TELEGATE_BUF;

// Service → methods it must expose (all of them, as in the .proto files).
const SERVICES = {
  'telegate.v1.Updates': ['Stream'],
  'telegate.v1.Admin': [
    'GetHealth', 'RestartBot', 'ResetErrors', 'GetStats', 'ListFailedDeliveries',
    'RetryFailedDelivery', 'WatchStatus', 'GetWebhookInfo', 'SetWebhook', 'DeleteWebhook'],
  'grpc.health.v1.Health': ['Check', 'Watch'],
  'grpc.reflection.v1alpha.ServerReflection': ['ServerReflectionInfo'],
};

let worker;
let dataDir;
let base;

async function curl(args) {
  try {
    const { stdout } = await run(buf, ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', ...args],
                                 { timeout: 60000 });
    return stdout;
  } catch (err) {
    throw new Error(`buf curl ${args.join(' ')} failed: ${err.stderr || err.message}\n${worker.tail()}`);
  }
}

const lines = (text) => text.split('\n').map((l) => l.trim()).filter(Boolean);

before(async () => {
  assert.ok(buf && fs.existsSync(buf), `buf not found at ${buf} (run through run.sh)`);
  const file = path.join(binDir(), 'telegate-worker');
  assert.ok(fs.existsSync(file), `${file} not found: build it or set TELEGATE_BIN_DIR`);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'telegate-reflection-'));
  const env = {
    TELEGRAM_BOT_TOKEN: '424242:reflection-test-token',
    // Nothing listens on port 1: getMe fails, the worker still serves gRPC.
    TELEGRAM_API_BASE_URL: 'http://127.0.0.1:1',
    TELEGATE_GRPC_LISTEN: '127.0.0.1:0',
    TELEGATE_WORKER_ADMIN_LISTEN: '127.0.0.1:0',
    TELEGATE_DATA_DIR: dataDir,
    TELEGATE_JOURNAL_SYNC: 'normal',
  };
  for (const name of ['PATH', 'ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS']) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  worker = new Child('worker', file, env);
  const port = await worker.waitForListening('grpc');
  base = `http://127.0.0.1:${port}`;
});

after(async () => {
  if (worker) {
    const exit = await worker.stop();
    assert.equal(exit.code, 0, `worker exit ${JSON.stringify(exit)}\n${worker.tail()}`);
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test('every service is listed', async () => {
  const listed = lines(await curl(['--list-services', base]));
  for (const service of Object.keys(SERVICES)) {
    assert.ok(listed.includes(service), `${service} missing from ${JSON.stringify(listed)}`);
  }
});

test('every method of every service resolves (list-methods of the whole server)', async () => {
  const listed = lines(await curl(['--list-methods', base]));
  for (const [service, methods] of Object.entries(SERVICES)) {
    for (const method of methods) {
      assert.ok(listed.includes(`${service}/${method}`),
                `${service}/${method} missing from ${JSON.stringify(listed)}`);
    }
  }
});

// What a reflection client's "describe SERVICE" does: ask the reflection
// service for the file defining the symbol. An error response here is what
// made `buf curl --list-methods` fail before health.proto was linked in.
for (const [service, methods] of Object.entries(SERVICES)) {
  test(`describe ${service}`, async () => {
    const reply = JSON.parse(await curl([
      '-d', JSON.stringify({ fileContainingSymbol: service }),
      `${base}/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo`]));
    assert.equal(reply.errorResponse, undefined, JSON.stringify(reply));
    const files = reply.fileDescriptorResponse?.fileDescriptorProto ?? [];
    assert.ok(files.length > 0, JSON.stringify(reply));
    // The first file defines the symbol: its package, service and methods
    // are strings in the serialized FileDescriptorProto.
    const text = Buffer.from(files[0], 'base64').toString('latin1');
    const dot = service.lastIndexOf('.');
    for (const name of [service.slice(0, dot), service.slice(dot + 1), ...methods]) {
      assert.ok(text.includes(name), `${name} not in the descriptor of ${service}`);
    }
  });
}

test('grpc.health.v1.Health/Check answers SERVING', async () => {
  const reply = JSON.parse(await curl(['-d', '{}', `${base}/grpc.health.v1.Health/Check`]));
  assert.deepEqual(reply, { status: 'SERVING' });
});

test('a request through the reflected Admin schema decodes', async () => {
  const reply = JSON.parse(await curl(['-d', '{}', `${base}/telegate.v1.Admin/GetHealth`]));
  assert.equal(reply.status, 'unhealthy', JSON.stringify(reply));
});
