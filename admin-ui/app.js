// telegate admin panel: polls /health every 3 s and drives the two repair
// buttons. Plain JavaScript, no build step, no external resources.
'use strict';

const $ = (id) => document.getElementById(id);

function formatUptime(seconds) {
  if (typeof seconds !== 'number') return '–';
  const d = Math.floor(seconds / 86400), h = Math.floor(seconds / 3600) % 24;
  const m = Math.floor(seconds / 60) % 60, s = seconds % 60;
  return (d ? d + 'd ' : '') + (h ? h + 'h ' : '') + m + 'm ' + s + 's';
}

function show(health) {
  $('status').textContent = health.status || 'unknown';
  $('status').dataset.state = health.status || 'unknown';
  $('bot_status').textContent = health.bot_status ?? '–';
  $('error_count').textContent = health.error_count ?? '–';
  $('error_threshold').textContent = health.error_threshold ?? '–';
  $('restart_count').textContent = health.restart_count ?? '–';
  $('uptime').textContent = formatUptime(health.uptime_seconds);
  $('environment').textContent = health.environment ?? '–';
  $('bot_username').textContent = health.bot_username ? '@' + health.bot_username : '–';
  $('timestamp').textContent = health.timestamp ?? '–';
}

async function refresh() {
  try {
    const res = await fetch('/health', { cache: 'no-store' });
    show(await res.json());
  } catch (err) {
    show({ status: 'unhealthy', bot_status: 'admin listener unreachable: ' + err.message });
  }
}

async function act(button, path, describe) {
  button.disabled = true;
  $('result').textContent = 'working…';
  try {
    const res = await fetch(path, { method: 'POST' });
    const body = await res.json();
    $('result').textContent = res.ok ? describe(body) : (body.error || 'failed: HTTP ' + res.status);
  } catch (err) {
    $('result').textContent = 'failed: ' + err.message;
  } finally {
    button.disabled = false;
    refresh();
  }
}

$('restart').addEventListener('click', () => act($('restart'), '/restart_bot',
  (b) => (b.ok ? 'Bot restarted' : 'Restarted, but getMe failed: ' + b.bot_status) +
         ' (restarts: ' + b.restart_count + ')'));
$('reset').addEventListener('click', () => act($('reset'), '/reset_errors',
  (b) => 'Errors reset (now ' + b.error_count + ')'));

refresh();
setInterval(refresh, 3000);
