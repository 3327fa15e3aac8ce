// The edgevl console: renders the state the server sends every second over server-sent events.
'use strict';

const MODALITIES = ['depth', 'thermal', 'rgb'];
const SERIES = [
  { label: 'adaptive', stroke: '#2e6bd6', width: 2 },
  { label: 'frozen v0', stroke: '#8a8f99', width: 1.5, dash: [6, 4] },
  { label: 'teacher', stroke: '#c77c02', width: 1.5 },
];
const cards = new Map();
const charts = new Map();
let lastState = null;

function token() { return sessionStorage.getItem('edgevl.token') || ''; }

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

function pct(x) { return x == null ? '–' : (100 * x).toFixed(1) + '%'; }
function ago(iso) {
  if (!iso) return '–';
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  return s < 90 ? s.toFixed(0) + ' s ago' : (s / 60).toFixed(0) + ' min ago';
}

function say(text, error) {
  const m = document.getElementById('message');
  m.textContent = text;
  m.classList.toggle('error', !!error);
}

async function act(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (token()) headers['Authorization'] = 'Bearer ' + token();
  try {
    const r = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
    const answer = await r.json();
    if (r.ok) say(answer.message); else say(answer.error || ('HTTP ' + r.status), true);
  } catch (e) {
    say('The console did not answer: ' + e, true);
  }
}

function scores(list) {
  const ul = el('ul', { class: 'scores' });
  for (const s of list || []) {
    const bar = el('span', { class: 'bar' });
    bar.style.width = Math.max(2, Math.round(120 * Math.max(0, s.score))) + 'px';
    ul.append(el('li', {}, el('span', { class: 'name', text: s.label }), bar,
      el('span', { class: 'meta', text: s.score.toFixed(2) })));
  }
  return ul;
}

function picture(card, cls, src, alt) {
  let img = card.querySelector('img.' + cls);
  let none = card.querySelector('.none.' + cls);
  if (!src) {
    if (img) img.remove();
    if (!none) card.querySelector('.pictures').append(el('div', { class: 'none ' + cls, text: alt + ': none' }));
    return;
  }
  if (none) none.remove();
  if (!img) {
    img = el('img', { class: cls, alt });
    card.querySelector('.pictures').append(img);
  }
  if (img.getAttribute('src') !== src) img.setAttribute('src', src);
}

function renderDevice(d) {
  let card = cards.get(d.id);
  if (!card) {
    card = el('div', { class: 'device', 'data-device': d.id },
      el('div', { class: 'title' }),
      el('div', { class: 'pictures' }),
      el('div', { class: 'labels-of' }),
      el('div', { class: 'meta' }));
    cards.set(d.id, card);
    document.getElementById('devices').append(card);
  }
  const title = card.querySelector('.title');
  title.replaceChildren(el('span', { text: d.id }),
    el('span', {}, d.canary ? el('span', { class: 'badge', text: 'canary' }) : '',
      d.routed ? el('span', { class: 'badge routed', text: 'sent to teacher' }) : ''));
  picture(card, 'rgb', d.rgbImage, 'RGB');
  picture(card, 'aux', d.auxImage, d.modality || 'non-RGB');
  const labels = card.querySelector('.labels-of');
  labels.replaceChildren(
    el('div', { class: 'meta', text: (d.modality || '') + ' student, top 3' }), scores(d.top3),
    d.teacherLabel ? el('div', { class: 'meta', text: 'teacher: ' + d.teacherLabel }) : '');
  const f = d.fleet || {};
  card.querySelector(':scope > .meta').textContent =
    (d.version == null ? 'no model' : 'v' + d.version) + ' · ' + (d.sensor || '') + ' #' + (d.sequence ?? '–')
    + ' · device ' + (f.health || '?') + (f.version == null ? '' : ' on v' + f.version);
}

function chart(id, title, series, yRange) {
  if (charts.has(id)) return charts.get(id);
  const box = el('div', { class: 'chart', id: 'chart-' + id }, el('h3', { text: title }));
  document.getElementById('charts').append(box);
  const opts = {
    width: 420, height: 200,
    scales: { x: { time: true }, y: yRange ? { range: yRange } : {} },
    series: [{}, ...series.map(s => ({ spanGaps: true, ...s }))],
    axes: [{}, { size: 50 }],
    hooks: { draw: [u => marks(u)] },
  };
  const data = [[], ...series.map(() => [])];
  const plot = new uPlot(opts, data, box);
  charts.set(id, plot);
  return plot;
}

// Drift events and model versions as vertical lines on every chart.
function marks(u) {
  const events = lastState && lastState.accuracy ? lastState.accuracy.events : [];
  const ctx = u.ctx;
  ctx.save();
  for (const e of events) {
    const x = u.valToPos(e.t, 'x', true);
    if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
    ctx.strokeStyle = e.kind === 'MODEL_VERSION' ? '#23864a' : e.kind.startsWith('DRIFT') ? '#c2352b' : '#b0b5c0';
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(x, u.bbox.top);
    ctx.lineTo(x, u.bbox.top + u.bbox.height);
    ctx.stroke();
  }
  ctx.restore();
}

function renderAccuracy(acc) {
  document.getElementById('no-truth').hidden = !!acc;
  if (!acc) return;
  const xs = acc.points.map(p => p.t);
  for (const m of MODALITIES) {
    const plot = chart(m, m + ' top-1 accuracy', SERIES, [0, 1]);
    plot.setData([xs, ...['adaptive', 'frozen', 'teacher'].map(k => acc.points.map(p => p[m] ? p[m][k] : null))]);
  }
  const flow = chart('flow', 'routed share and latency', [
    { label: 'routed share', stroke: '#a35b00', scale: 'share' },
    { label: 'p99 ms', stroke: '#6b7385', scale: 'ms' },
  ]);
  flow.setData([xs, acc.points.map(p => p.routing), acc.points.map(p => p.p99)]);
}

function renderFleet(devices) {
  const body = document.querySelector('#fleet tbody');
  body.replaceChildren(...devices.filter(d => d.fleet).map(d => el('tr', {},
    el('td', { text: d.id + (d.canary ? ' (canary)' : '') }),
    el('td', { text: d.fleet.version == null ? '–' : 'v' + d.fleet.version }),
    el('td', { class: 'health-' + d.fleet.health, text: d.fleet.health }),
    el('td', { text: ago(d.fleet.lastReport) }),
    el('td', { text: d.fleet.framesAnnotated.toLocaleString() }),
    el('td', { text: d.fleet.lastError || '' }))));
}

function renderLabels(labels, readOnly) {
  document.getElementById('add-label').disabled = readOnly;
  const ul = document.getElementById('labels');
  ul.replaceChildren(...labels.map(l => {
    const remove = el('button', { title: 'remove ' + l, 'aria-label': 'remove ' + l, text: '×' });
    remove.disabled = readOnly;
    remove.onclick = () => act('DELETE', '/api/labels/' + encodeURIComponent(l));
    return el('li', { 'data-label': l }, l, remove);
  }));
}

function renderModels(models, readOnly) {
  const live = models.live ? models.live.version : null;
  const body = document.querySelector('#versions tbody');
  body.replaceChildren(...models.versions.map(v => {
    const button = el('button', {});
    if (live == null || v.version > live) {
      button.textContent = 'promote';
      button.onclick = () => act('POST', '/api/models/' + v.version + '/promote');
    } else if (v.version < live) {
      button.textContent = 'roll back';
      button.onclick = () => act('POST', '/api/models/' + v.version + '/rollback');
    } else {
      button.textContent = 'live';
      button.disabled = true;
    }
    if (readOnly) button.disabled = true;
    return el('tr', { 'data-version': v.version },
      el('td', { text: v.version === live ? '●' : '' }),
      el('td', { text: 'v' + v.version }),
      el('td', { text: v.parent == null ? '–' : 'v' + v.parent }),
      el('td', { text: v.promoted ? 'promoted' : 'kept back' }),
      el('td', { text: v.agreement == null ? '–' : v.agreement.toFixed(3) }),
      el('td', { text: ago(v.created) }),
      el('td', {}, button));
  }));
  const r = models.rollout;
  document.getElementById('rollout').textContent = r
    ? 'v' + r.version + ': ' + r.description + (r.reason ? ' — ' + r.reason : '')
    : 'no rollout yet' + (live == null ? '' : '; v' + live + ' is live fleet-wide');
}

function render(state) {
  lastState = state;
  const t = state.throughput;
  document.getElementById('summary').textContent =
    (state.models.live ? state.family + ' v' + state.models.live.version + ' live' : 'no version live') + ' · '
    + t.annotationsPerSecond.toFixed(1) + ' annotations/s · ' + pct(t.routedShare) + ' sent to the teacher · capture→console p50/p99 '
    + (t.p50Millis ?? '–') + '/' + (t.p99Millis ?? '–') + ' ms (last 10 s)';
  document.getElementById('mode').textContent = state.readOnly ? 'read-only' : (token() ? 'token set' : 'no token: actions refused');
  for (const d of state.devices) renderDevice(d);
  renderAccuracy(state.accuracy);
  renderFleet(state.devices);
  renderLabels(state.labels, state.readOnly);
  renderModels(state.models, state.readOnly);
  document.body.dataset.updated = state.time;
}

document.getElementById('token-form').addEventListener('submit', e => {
  e.preventDefault();
  sessionStorage.setItem('edgevl.token', document.getElementById('token').value);
  document.getElementById('token').value = '';
  if (lastState) render(lastState);
});
document.getElementById('label-form').addEventListener('submit', e => {
  e.preventDefault();
  const input = document.getElementById('new-label');
  act('POST', '/api/labels', { label: input.value }).then(() => { input.value = ''; });
});

const events = new EventSource('/events');
events.addEventListener('state', e => render(JSON.parse(e.data)));
events.onerror = () => say('Lost the connection to the console; retrying…', true);
events.onopen = () => say('');
