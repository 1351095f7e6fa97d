// The panel's "Your bot" block: the user's own bot behind telegate
// (TELEGATE_UPSTREAM_URL), from /health's "upstream" object (also in every
// /api/events snapshot). Hidden with the built-in bot. Loaded before app.js,
// which calls renderUpstream(health) on every snapshot.
'use strict';

function renderUpstream(health) {
  const box = document.getElementById('upstream');
  if (!box) return;
  const up = health && health.upstream;
  if (!up) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const set = (id, value) => {
    const el = document.getElementById(id);
    if (el) el.textContent = value;
  };
  const state = up.misconfigured ? 'refuses telegate'
      : up.reachable ? 'reachable' : 'down';
  set('upstream_url', String(up.url || '–'));
  set('upstream_state', state);
  const stateEl = document.getElementById('upstream_state');
  if (stateEl) stateEl.dataset.state = up.reachable && !up.misconfigured ? 'ok' : 'error';
  set('upstream_down_since', up.down_since ? String(up.down_since) : '–');
  set('upstream_last_error', up.last_error ? String(up.last_error) : '–');
  set('upstream_errors', String(up.error_count) + ' / ' + String(up.error_threshold));
  set('upstream_counts', String(up.handled) + ' handled, ' + String(up.refused) +
      ' refused, ' + String(up.in_flight) + ' in flight');
  const ms = (v) => (typeof v === 'number' ? v.toFixed(1) + ' ms' : '–');
  set('upstream_latency', ms(up.latency_p50_ms) + ' / ' + ms(up.latency_p99_ms));
}

// The endpoint's counters from /api/stats's "endpoint" (null when off).
function renderEndpoint(stats) {
  const el = document.getElementById('endpoint_counts');
  if (!el) return;
  const e = stats && stats.endpoint;
  el.parentElement.hidden = !e;
  if (!e) return;
  el.textContent = String(e.calls) + ' calls: ' + String(e.answered_ok) + ' ok, ' +
      String(e.answered_error) + ' Telegram errors, ' + String(e.flood_waits) +
      ' flood waits, ' + String(e.intercepted) + ' intercepted, ' +
      String(e.unauthorized) + ' wrong token, ' + String(e.queued) + ' queued';
}
