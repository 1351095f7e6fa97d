// telegate admin panel. Plain JavaScript, no build step, no external
// resources. Live state comes from the Server-Sent Events stream
// /api/events (one "status" snapshot on every change and at least every
// 2 s); the lists (failed deliveries, webhook, playground) are fetched on
// demand. Any 401 from the admin API shows the sign-in form instead.
// Every renderer tolerates missing fields: a partial snapshot shows "–".
'use strict';

const $ = (id) => document.getElementById(id);

const WINDOW_MS = 120 * 1000;     // charts show the last two minutes...
const MIN_WINDOW_MS = 30 * 1000;  // ...or less while there is less history
const STALE_MS = 7000;            // no snapshot for this long: stream is dead
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 10000;
const WEBHOOK_REFRESH_MS = 30000;

// ---------------------------------------------------------------- formatting

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
const intFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const timeFormat = new Intl.DateTimeFormat(undefined,
    { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dateTimeFormat = new Intl.DateTimeFormat(undefined,
    { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
      second: '2-digit', hour12: false });

function fmtInt(v) { return isNum(v) ? intFormat.format(v) : '–'; }

function fmtMs(v) {
  if (!isNum(v)) return '–';
  if (v < 10) return v.toFixed(1);
  if (v < 1000) return Math.round(v).toString();
  return (v / 1000).toFixed(1) + ' s';
}

function fmtRate(v) {
  if (!isNum(v)) return '–';
  return v < 10 ? v.toFixed(1) : Math.round(v).toString();
}

function fmtUptime(seconds) {
  if (!isNum(seconds) || seconds < 0) return '–';
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24;
  const m = Math.floor(s / 60) % 60, sec = s % 60;
  const pad = (n) => String(n).padStart(2, '0');
  if (d) return d + 'd ' + h + 'h';
  if (h) return h + 'h ' + pad(m) + 'm';
  if (m) return m + 'm ' + pad(sec) + 's';
  return sec + 's';
}

// An ISO 8601 string (or a Date) as local time; today: time only.
function fmtTime(value) {
  const date = value instanceof Date ? value : new Date(value);
  if (value == null || value === '' || Number.isNaN(date.getTime())) return '–';
  const today = new Date().toDateString() === date.toDateString();
  return (today ? timeFormat : dateTimeFormat).format(date);
}

function text(v) {
  return v == null || v === '' ? '–' : String(v);
}

function setText(id, value) {
  const el = $(id);
  if (el && el.textContent !== value) el.textContent = value;
}

// ----------------------------------------------------------------- API calls

class Unauthorized extends Error {}

// fetch + JSON; a 401 switches to the sign-in form and throws Unauthorized.
// Network failures throw; HTTP errors return {ok: false, status, body}.
async function api(path, options = {}) {
  const init = { cache: 'no-store', credentials: 'same-origin',
                 headers: { Accept: 'application/json' } };
  if (options.method === 'POST') {
    init.method = 'POST';
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body ?? {});
  }
  const res = await fetch(path, init);
  let body = {};
  try {
    const parsed = JSON.parse(await res.text());
    if (parsed && typeof parsed === 'object') body = parsed;
  } catch (_) { /* not JSON: keep {} */ }
  if (res.status === 401) {
    showLogin();
    throw new Unauthorized(body.error || 'admin token required');
  }
  return { ok: res.ok, status: res.status, body };
}

function describeFailure(err, res) {
  if (err) return err instanceof Unauthorized ? 'Sign in required' : 'Failed: ' + (err.message || 'network error');
  return 'Failed: ' + (res.body.error || 'HTTP ' + res.status);
}

// ------------------------------------------------------------------- state

const state = {
  running: false,
  events: null,           // the EventSource
  lastActivity: 0,        // last snapshot, or the last (re)connect
  everLive: false,
  retryDelay: RETRY_MIN_MS,
  retryTimer: 0,
  watchdog: 0,
  webhookTimer: 0,
  samples: [],            // {t, processed, p50, p99}
  failedSeen: undefined,  // stats.failed_deliveries when the list was last asked for
  failedLoading: null,
  failedAgain: false,
  errorsKey: '',
};

// ------------------------------------------------------------ sign-in / out

function showLogin(message) {
  stopLive();
  $('panel').hidden = true;
  $('meta').hidden = true;
  $('worker-banner').hidden = true;
  $('logout').hidden = true;
  setConn('signed-out');
  $('login').hidden = false;
  // A sign-in posted without script comes back as /?login=failed.
  const params = new URLSearchParams(location.search);
  if (params.get('login') === 'failed') {
    message = message || 'That token was not accepted.';
    history.replaceState(null, '', location.pathname);
  }
  if (message) setText('login-result', message);
  $('login-token').focus();
}

async function submitLogin(event) {
  event.preventDefault();
  const token = $('login-token').value;
  if (!token) return;
  const button = event.submitter || $('login-form').querySelector('button');
  button.disabled = true;
  setText('login-result', 'Signing in…');
  try {
    const res = await fetch('/login', {
      method: 'POST', credentials: 'same-origin', redirect: 'follow',
      body: new URLSearchParams({ token }),
    });
    // Whatever the answer (a redirect to / on success), ask the API itself.
    const probe = await fetch('/health', { cache: 'no-store', credentials: 'same-origin' });
    if (probe.status === 401) {
      setText('login-result', res.status === 429
          ? 'Too many attempts; wait a moment and try again.'
          : 'That token was not accepted.');
      $('login-token').select();
      return;
    }
    $('login-token').value = '';
    setText('login-result', '');
    try { localStorage.setItem('telegate.signedIn', '1'); } catch (_) {}
    start();
  } catch (err) {
    setText('login-result', 'Could not reach the admin listener: ' + (err.message || err));
  } finally {
    button.disabled = false;
  }
}

async function logout() {
  try { localStorage.removeItem('telegate.signedIn'); } catch (_) {}
  try {
    await fetch('/logout', { method: 'POST', credentials: 'same-origin',
                             headers: { 'Content-Type': 'application/json' }, body: '{}' });
  } catch (_) { /* signed out locally anyway */ }
  showLogin('Signed out.');
}

// ------------------------------------------------------------- live stream

function setConn(mode) {
  const labels = {
    connecting: 'Connecting…',
    live: 'Live',
    retrying: 'Disconnected — retrying',
    'signed-out': 'Signed out',
  };
  const el = $('conn');
  if (el.dataset.state === mode) return;
  el.dataset.state = mode;
  el.textContent = labels[mode] || mode;
  document.body.classList.toggle('stale', mode === 'retrying');
}

function connect() {
  clearTimeout(state.retryTimer);
  if (state.events) state.events.close();
  if (!state.everLive) setConn('connecting');
  state.lastActivity = Date.now();
  const events = new EventSource('/api/events');
  state.events = events;
  const onData = (e) => { if (state.events === events) onSnapshot(e.data); };
  events.addEventListener('status', onData);
  events.addEventListener('message', onData);
  events.addEventListener('error', () => { if (state.events === events) dropped(); });
}

// The stream failed or went quiet: find out whether we lost the session,
// otherwise reconnect with backoff.
async function dropped() {
  if (state.events) { state.events.close(); state.events = null; }
  if (!state.running) return;
  setConn('retrying');
  clearTimeout(state.retryTimer);
  const delay = state.retryDelay * (0.8 + Math.random() * 0.4);
  state.retryDelay = Math.min(state.retryDelay * 2, RETRY_MAX_MS);
  state.retryTimer = setTimeout(async () => {
    if (!state.running) return;
    try {
      await refreshHealth();  // also keeps the header current meanwhile
    } catch (err) {
      if (err instanceof Unauthorized) return;  // the login form is showing
    }
    if (state.running) connect();
  }, delay);
}

// GET /health into the header and the health card (the stream carries the
// same and more; this is for when it is down). Throws like api().
async function refreshHealth() {
  const res = await api('/health');
  if (state.running && 'status' in res.body) {
    renderHealth(res.body, res.body.worker_reachable !== false, res.body.error);
  }
  return res;
}

function watchdog() {
  if (state.events && Date.now() - state.lastActivity > STALE_MS) {
    dropped();
  }
}

function onSnapshot(raw) {
  let snap;
  try { snap = JSON.parse(raw); } catch (_) { return; }
  if (!snap || typeof snap !== 'object') return;
  state.lastActivity = Date.now();
  state.everLive = true;
  state.retryDelay = RETRY_MIN_MS;
  setConn('live');
  try {
    render(snap);
  } catch (err) {
    console.error('telegate: cannot render snapshot', err, snap);
  }
}

function stopLive() {
  state.running = false;
  if (state.events) { state.events.close(); state.events = null; }
  clearTimeout(state.retryTimer);
  clearInterval(state.watchdog);
  clearInterval(state.webhookTimer);
}

// --------------------------------------------------------------- rendering

function render(snap) {
  const reachable = snap.worker_reachable !== false;
  const health = snap.health && typeof snap.health === 'object' ? snap.health : {};
  const stats = snap.stats && typeof snap.stats === 'object' ? snap.stats : null;
  renderHealth(health, reachable, snap.error);
  if (reachable && stats) {
    renderStats(stats);
    addSample(stats);
    if (stats.failed_deliveries !== state.failedSeen) {
      state.failedSeen = stats.failed_deliveries;
      loadFailed();
    }
  }
  renderCharts();
  if (reachable) renderErrors(Array.isArray(snap.recent_errors) ? snap.recent_errors : []);
}

function renderHealth(health, reachable, error) {
  const banner = $('worker-banner');
  if (!reachable) {
    const why = text(error || health.bot_status);
    banner.textContent = 'Worker unreachable: ' + why + ' — figures below may be out of date.';
    banner.hidden = false;
  } else {
    banner.hidden = true;
  }
  const status = reachable ? (health.status || 'unknown') : 'unhealthy';
  const badge = $('status');
  badge.dataset.state = status;
  setText('status', status);
  setText('worker', reachable ? 'reachable' : 'unreachable');
  $('worker').dataset.state = reachable ? 'ok' : 'error';
  if (!reachable) {
    // Keep the last known figures; the banner says they may be stale.
    setText('bot_status', 'Worker unreachable');
    $('bot_status').dataset.state = 'error';
    if (health.environment) setText('environment', String(health.environment));
    return;
  }
  setText('environment', text(health.environment));
  setText('bot_username', health.bot_username ? '@' + health.bot_username : '–');
  setText('uptime', fmtUptime(health.uptime_seconds));
  setText('timestamp', fmtTime(health.timestamp));
  const botStatus = text(health.bot_status);
  setText('bot_status', botStatus);
  $('bot_status').dataset.state = botStatus === 'OK' ? 'ok' : botStatus === '–' ? 'unknown' : 'error';
  $('bot_status').title = botStatus;
  setText('restart_count', fmtInt(health.restart_count));
  if (typeof renderUpstream === 'function') renderUpstream(health);

  const count = health.error_count, threshold = health.error_threshold;
  setText('error_count', fmtInt(count));
  setText('error_threshold', fmtInt(threshold));
  const bar = $('error-bar');
  const ratio = isNum(count) && isNum(threshold) && threshold > 0
      ? Math.min(1, Math.max(0, count / threshold)) : 0;
  $('error-bar-fill').style.width = (ratio * 100).toFixed(1) + '%';
  bar.dataset.level = ratio >= 0.7 ? 'danger' : ratio >= 0.4 ? 'warn' : 'ok';
  bar.setAttribute('aria-valuemax', String(isNum(threshold) ? threshold : 0));
  bar.setAttribute('aria-valuenow', String(isNum(count) ? count : 0));
  bar.setAttribute('aria-valuetext', fmtInt(count) + ' of ' + fmtInt(threshold));
}

const STAT_IDS = ['updates_received', 'updates_processed', 'updates_failed',
                  'updates_duplicate', 'queue_depth', 'parked_chats',
                  'flood_waits', 'retries'];

function renderStats(stats) {
  for (const id of STAT_IDS) setText(id, fmtInt(stats[id]));
  if (typeof renderEndpoint === 'function') renderEndpoint(stats);
  setText('sends', fmtInt(stats.sends_ok) + ' / ' + fmtInt(stats.sends_failed));
  // Processing loops, and their Bot API calls in flight when the gateway
  // passes them on.
  const loops = Array.isArray(stats.thread_states) ? stats.thread_states : [];
  const inFlight = loops.filter((t) => isNum(t.calls_in_flight));
  setText('threads', fmtInt(stats.threads) + (inFlight.length
    ? ' · ' + fmtInt(inFlight.reduce((n, t) => n + t.calls_in_flight, 0)) + ' calls in flight'
    : ''));
  $('updates_failed').dataset.state = stats.updates_failed > 0 ? 'error' : '';
  $('parked_chats').dataset.state = stats.parked_chats > 0 ? 'warn' : '';
}

function addSample(stats) {
  const now = Date.now();
  state.samples.push({
    t: now,
    processed: isNum(stats.updates_processed) ? stats.updates_processed : null,
    p50: isNum(stats.latency_p50_ms) ? stats.latency_p50_ms : null,
    p99: isNum(stats.latency_p99_ms) ? stats.latency_p99_ms : null,
  });
  // Keep one sample older than the window as the first rate's anchor.
  while (state.samples.length > 2 && state.samples[1].t < now - WINDOW_MS) {
    state.samples.shift();
  }
}

// Updates processed per second between successive snapshots at least 1 s
// apart (snapshots can come every 250 ms; shorter gaps are just noise).
function throughputPoints() {
  const points = [];
  let anchor = null;
  for (const s of state.samples) {
    if (s.processed === null) continue;
    if (anchor === null) { anchor = s; continue; }
    const dt = (s.t - anchor.t) / 1000;
    if (dt < 1) continue;
    const delta = s.processed - anchor.processed;
    points.push({ t: s.t, v: delta >= 0 ? delta / dt : 0 });  // < 0: worker restarted
    anchor = s;
  }
  return points;
}

function fmtSpan(ms) {
  const s = Math.round(ms / 1000);
  return s >= 60 ? '−' + (Math.round(s / 6) / 10) + ' min' : '−' + s + ' s';
}

const peakOf = (points, since) =>
  points.reduce((m, p) => (p.t >= since && p.v > m ? p.v : m), 0);

function renderCharts() {
  const now = Date.now();
  // The x axis spans the history we have (at least 30 s, at most 2 min).
  const first = state.samples.length ? state.samples[0].t : now;
  const span = Math.min(WINDOW_MS, Math.max(MIN_WINDOW_MS, now - first));
  const over = 'over the last ' + fmtSpan(span).slice(1);
  setText('throughput-span', fmtSpan(span));
  setText('latency-span', fmtSpan(span));

  const tput = throughputPoints();
  const last = tput.length ? tput[tput.length - 1].v : null;
  const tpeak = peakOf(tput, now - span);
  setText('throughput-now', last === null ? '–' : fmtRate(last) + ' /s');
  drawSparkline($('throughput-chart'), [{ points: tput, cls: 'line-tput', area: true }], now, span, 1);
  setText('throughput-max', tput.length ? 'peak ' + fmtRate(tpeak) + ' /s' : 'collecting…');
  $('throughput-chart').setAttribute('aria-label', tput.length
      ? 'Throughput ' + over + ': now ' + fmtRate(last) + ' updates/s, peak ' + fmtRate(tpeak)
      : 'Throughput: no data yet');

  const p50 = [], p99 = [];
  for (const s of state.samples) {
    if (s.p50 !== null) p50.push({ t: s.t, v: s.p50 });
    if (s.p99 !== null) p99.push({ t: s.t, v: s.p99 });
  }
  const lp50 = p50.length ? p50[p50.length - 1].v : null;
  const lp99 = p99.length ? p99[p99.length - 1].v : null;
  const lpeak = peakOf(p99, now - span);
  setText('latency-now', lp50 === null && lp99 === null ? '–'
      : 'p50 ' + fmtMs(lp50) + ' · p99 ' + fmtMs(lp99));
  drawSparkline($('latency-chart'), [
    { points: p99, cls: 'line-p99', area: true },
    { points: p50, cls: 'line-p50' },
  ], now, span, 1);
  setText('latency-max', p99.length ? 'peak p99 ' + fmtMs(lpeak) + ' ms' : 'collecting…');
  $('latency-chart').setAttribute('aria-label', p50.length || p99.length
      ? 'Latency ' + over + ': p50 ' + fmtMs(lp50) + ' ms, p99 ' + fmtMs(lp99) + ' ms, peak p99 ' + fmtMs(lpeak) + ' ms'
      : 'Latency: no data yet');
}

// Draws each series ({points: [{t, v}], cls, area}) as a polyline over the
// last `span` ms into `svg` (viewBox 0 0 300 60); the y scale starts at 0
// and its top (returned) is at least `floor`.
function drawSparkline(svg, series, now, span, floor) {
  const NS = 'http://www.w3.org/2000/svg';
  const W = 300, H = 60, PAD = 3;
  let max = floor;
  for (const s of series) {
    for (const p of s.points) if (p.t >= now - span && p.v > max) max = p.v;
  }
  max = niceCeil(max);
  const x = (t) => Math.max(0, Math.min(W, ((t - (now - span)) / span) * W));
  const y = (v) => H - PAD - (Math.max(0, v) / max) * (H - 2 * PAD);

  const nodes = [];
  for (const frac of [0.5, 1]) {
    const grid = document.createElementNS(NS, 'line');
    grid.setAttribute('x1', '0'); grid.setAttribute('x2', String(W));
    grid.setAttribute('y1', String(y(max * frac))); grid.setAttribute('y2', String(y(max * frac)));
    grid.setAttribute('class', 'gridline');
    grid.setAttribute('vector-effect', 'non-scaling-stroke');
    nodes.push(grid);
  }
  const base = document.createElementNS(NS, 'line');
  base.setAttribute('x1', '0'); base.setAttribute('x2', String(W));
  base.setAttribute('y1', String(H - PAD)); base.setAttribute('y2', String(H - PAD));
  base.setAttribute('class', 'base');
  base.setAttribute('vector-effect', 'non-scaling-stroke');
  nodes.push(base);

  for (const s of series) {
    // One point left of the window keeps the line running to the edge.
    const firstIn = s.points.findIndex((p) => p.t >= now - span);
    const pts = firstIn < 0 ? [] : s.points.slice(Math.max(0, firstIn - 1));
    if (pts.length < 2) continue;
    const coords = pts.map((p) => x(p.t).toFixed(1) + ',' + y(p.v).toFixed(1));
    if (s.area) {
      const area = document.createElementNS(NS, 'path');
      area.setAttribute('d', 'M' + x(pts[0].t).toFixed(1) + ',' + (H - PAD) + ' L' +
          coords.join(' L') + ' L' + x(pts[pts.length - 1].t).toFixed(1) + ',' + (H - PAD) + ' Z');
      area.setAttribute('class', 'area ' + s.cls);
      nodes.push(area);
    }
    const line = document.createElementNS(NS, 'polyline');
    line.setAttribute('points', coords.join(' '));
    line.setAttribute('class', 'line ' + s.cls);
    line.setAttribute('vector-effect', 'non-scaling-stroke');
    nodes.push(line);
  }
  svg.replaceChildren(...nodes);
  return max;
}

function niceCeil(v) {
  if (!(v > 0)) return 1;
  const exp = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * exp >= v) return m * exp;
  return 10 * exp;
}

function renderErrors(errors) {
  const items = errors
      .filter((e) => e && typeof e === 'object')
      .map((e, i) => ({ time: e.time, reason: e.reason, ms: Date.parse(e.time), i }))
      .sort((a, b) => (Number.isNaN(b.ms) ? -Infinity : b.ms) - (Number.isNaN(a.ms) ? -Infinity : a.ms) || a.i - b.i)
      .slice(0, 20);
  const key = JSON.stringify(items.map((e) => [e.time, e.reason]));
  if (key === state.errorsKey) return;
  state.errorsKey = key;
  const list = $('recent-errors');
  list.replaceChildren(...items.map((e) => {
    const li = document.createElement('li');
    const time = document.createElement('time');
    if (e.time) time.dateTime = String(e.time);
    time.textContent = fmtTime(e.time);
    time.title = text(e.time);
    const reason = document.createElement('span');
    reason.className = 'reason';
    reason.textContent = text(e.reason);
    li.append(time, reason);
    return li;
  }));
  $('errors-empty').hidden = items.length > 0;
}

// -------------------------------------------------------- failed deliveries

// Loads the list; calls while a load runs coalesce into one more load.
function loadFailed() {
  if (state.failedLoading) { state.failedAgain = true; return state.failedLoading; }
  state.failedLoading = (async () => {
    do {
      state.failedAgain = false;
      await loadFailedOnce();
    } while (state.failedAgain && state.running);
    state.failedLoading = null;
  })();
  return state.failedLoading;
}

async function loadFailedOnce() {
  let res;
  try {
    res = await api('/api/failed');
  } catch (err) {
    if (!(err instanceof Unauthorized)) setText('failed-result', describeFailure(err));
    return;
  }
  if (!res.ok) { setText('failed-result', describeFailure(null, res)); return; }
  const rows = Array.isArray(res.body.deliveries) ? res.body.deliveries : [];
  renderFailed(rows.filter((d) => d && typeof d === 'object'));
}

function renderFailed(rows) {
  const body = $('failed-rows');
  body.replaceChildren(...rows.map((d) => {
    const tr = document.createElement('tr');
    tr.dataset.id = String(d.id);
    const cell = (value, cls, title) => {
      const td = document.createElement('td');
      if (cls) td.className = cls;
      td.textContent = value;
      if (title) td.title = title;
      tr.append(td);
      return td;
    };
    cell(fmtTime(d.failed_at), 'nowrap', text(d.failed_at));
    cell(text(d.chat_key), 'mono nowrap');
    cell(text(d.method), 'mono');
    const code = cell('', 'num');
    const pill = document.createElement('span');
    pill.className = 'code';
    pill.textContent = isNum(d.error_code) && d.error_code !== 0 ? String(d.error_code) : 'net';
    code.append(pill);
    cell(text(d.reason), 'reason', text(d.reason));
    const act = cell('', 'row-action');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'small';
    button.textContent = 'Retry';
    button.setAttribute('aria-label', 'Retry delivery ' + text(d.id) + ' (' + text(d.method) +
                        ' to ' + text(d.chat_key) + ')');
    button.addEventListener('click', () => retryFailed(d.id, button));
    act.append(button);
    return tr;
  }));
  $('failed-empty').hidden = rows.length > 0;
  $('failed-table').classList.toggle('is-empty', rows.length === 0);
  setText('failed-count', String(rows.length));
}

async function retryFailed(id, button) {
  button.disabled = true;
  setText('failed-result', 'Retrying delivery #' + id + '…');
  try {
    const res = await api('/api/failed/retry', { method: 'POST', body: { id } });
    if (res.ok && res.body.ok !== false) {
      setText('failed-result', 'Delivery #' + id + ' queued again.');
    } else if (res.status === 404) {
      setText('failed-result', 'Delivery #' + id + ' is no longer there' +
              (res.body.error ? ': ' + res.body.error : '.'));
    } else {
      setText('failed-result', describeFailure(null, res));
    }
  } catch (err) {
    setText('failed-result', describeFailure(err));
  } finally {
    button.disabled = false;
    loadFailed();
  }
}

// ------------------------------------------------------------------ webhook

async function loadWebhook() {
  const ids = ['webhook-url', 'webhook-pending', 'webhook-max', 'webhook-error-date',
               'webhook-error-message'];
  let res;
  try {
    res = await api('/api/webhook');
  } catch (err) {
    if (!(err instanceof Unauthorized)) setText('webhook-result', describeFailure(err));
    return;
  }
  const w = res.body;
  if (!res.ok || w.ok === false) {
    for (const id of ids) setText(id, '–');
    setText('webhook-result', 'Cannot read the webhook: ' + (w.error || 'HTTP ' + res.status));
    return;
  }
  setText('webhook-result', '');
  setText('webhook-url', w.url ? String(w.url) : 'not set');
  setText('webhook-pending', fmtInt(w.pending_update_count));
  $('webhook-pending').dataset.state = w.pending_update_count > 0 ? 'warn' : '';
  setText('webhook-max', fmtInt(w.max_connections));
  setText('webhook-error-date', isNum(w.last_error_date) && w.last_error_date > 0
      ? fmtTime(new Date(w.last_error_date * 1000)) : 'never');
  setText('webhook-error-message', text(w.last_error_message));
  $('webhook-error-message').dataset.state = w.last_error_message ? 'error' : '';
}

// ------------------------------------------------------------------ actions

function confirmAction(title, message, okLabel) {
  const dialog = $('confirm');
  if (typeof dialog.showModal !== 'function') return Promise.resolve(window.confirm(message));
  setText('confirm-title', title);
  setText('confirm-text', message);
  setText('confirm-ok', okLabel);
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.showModal();
    dialog.querySelector('button[value="cancel"]').focus();  // the safe default
  });
}

async function act(button, path, confirmText, describe) {
  if (!(await confirmAction(...confirmText))) {
    button.focus();
    return;
  }
  button.disabled = true;
  setText('result', 'Working…');
  try {
    const res = await api(path, { method: 'POST', body: {} });
    setText('result', res.ok ? describe(res.body) : describeFailure(null, res));
  } catch (err) {
    setText('result', describeFailure(err));
  } finally {
    button.disabled = false;
    button.focus();
    // Live, the next snapshot shows the change; otherwise ask now.
    if (state.running && $('conn').dataset.state !== 'live') refreshHealth().catch(() => {});
  }
}

// --------------------------------------------------------------- playground

async function loadPlayground() {
  let enabled = false;
  try {
    const res = await api('/api/playground');
    enabled = res.ok && res.body.enabled === true;
  } catch (_) { /* hidden */ }
  $('playground').hidden = !enabled;
}

async function sendPlayground(event) {
  event.preventDefault();
  const chatId = Number($('pg-chat').value);
  const message = $('pg-text').value;
  if (!Number.isSafeInteger(chatId) || chatId === 0) {
    setText('pg-reply', 'Chat id must be a non-zero integer.');
    return;
  }
  if (!message) return;
  $('pg-send').disabled = true;
  const out = $('pg-reply');
  out.dataset.state = 'pending';
  setText('pg-reply', 'Sending…');
  try {
    const res = await api('/api/playground', { method: 'POST', body: { chat_id: chatId, text: message } });
    if (res.ok && res.body.ok !== false) {
      const reply = res.body.reply;
      out.dataset.state = 'ok';
      setText('pg-reply', reply == null || reply === '' ? '(no reply)' : String(reply));
    } else {
      out.dataset.state = 'error';
      setText('pg-reply', describeFailure(null, res));
    }
  } catch (err) {
    out.dataset.state = 'error';
    setText('pg-reply', describeFailure(err));
  } finally {
    $('pg-send').disabled = false;
  }
}

// -------------------------------------------------------------------- start

async function start() {
  stopLive();
  let probe = null;
  try {
    probe = await api('/health');
  } catch (err) {
    if (err instanceof Unauthorized) return;
    // Unreachable: the stream's retry loop says "disconnected" and retries.
  }
  state.running = true;
  $('login').hidden = true;
  $('panel').hidden = false;
  $('meta').hidden = false;
  let signedIn = false;
  try { signedIn = localStorage.getItem('telegate.signedIn') === '1'; } catch (_) {}
  $('logout').hidden = !signedIn;
  if (probe && probe.body && typeof probe.body === 'object' && 'status' in probe.body) {
    renderHealth(probe.body, probe.body.worker_reachable !== false, probe.body.error);
  }
  state.everLive = false;
  connect();
  state.watchdog = setInterval(watchdog, 1000);
  state.webhookTimer = setInterval(loadWebhook, WEBHOOK_REFRESH_MS);
  loadFailed();
  loadWebhook();
  loadPlayground();
}

$('login-form').addEventListener('submit', submitLogin);
$('logout').addEventListener('click', logout);
$('restart').addEventListener('click', () => act($('restart'), '/restart_bot',
    ['Restart the bot?', 'The bot\'s Bot API clients are re-initialised and checked with getMe.', 'Restart'],
    (b) => (b.ok ? 'Bot restarted' : 'Restarted, but getMe failed: ' + text(b.bot_status)) +
           ' (restarts: ' + fmtInt(b.restart_count) + ').'));
$('reset').addEventListener('click', () => act($('reset'), '/reset_errors',
    ['Reset the error counter?', 'The count of errors in a row goes back to 0.', 'Reset'],
    (b) => 'Errors reset (now ' + fmtInt(b.error_count) + ').'));
$('failed-refresh').addEventListener('click', () => loadFailed());
$('webhook-refresh').addEventListener('click', () => loadWebhook());
$('playground-form').addEventListener('submit', sendPlayground);

start();
