/*
 * Gatehouse console: the login page and the console page, in plain JavaScript (no framework, no build
 * step). It only talks to the admin API of the listener that served it (docs/admin-api.md): the CSP
 * allows nothing else, and nothing here writes inline scripts or styles.
 */
'use strict';

(function () {
  /** The 17 request-log fields in the documented order (docs/logs.md), by their JSON names. */
  const FIELDS = ['date', 'time', 'client', 'server', 'method', 'url', 'protocol', 'status', 'bytes_recv',
    'bytes_sent', 'gtid', 'ltid', 'user', 'token', 'user_agent', 'handling_ms', 'sending_ms'];
  /** What the JSON form adds after the 17; shown after them, never between. */
  const EXTRAS = ['cluster', 'member', 'attempts', 'cache', 'client_ip'];
  const MAX_ROWS = 500;
  const POOLS_EVERY_MS = 2000;
  const SLOW_EVERY_MS = 5000;

  let csrf = null;
  let leaving = false;

  // ---------------------------------------------------------------- small helpers

  function $(id) {
    return document.getElementById(id);
  }

  /** An element with attributes (class, text, data-*, aria-*, on*) and children. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null || v === false) {
          continue;
        }
        if (k === 'class') {
          node.className = v;
        } else if (k === 'text') {
          node.textContent = v;
        } else if (k.startsWith('on')) {
          node.addEventListener(k.slice(2), v);
        } else {
          node.setAttribute(k, v === true ? '' : String(v));
        }
      }
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) {
        continue;
      }
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function svgEl(tag, attrs, text) {
    const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      node.setAttribute(k, String(v));
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function pad2(n) {
    return n < 10 ? '0' + n : String(n);
  }

  /** An ISO-8601 instant in local time: {@code withDate} YYYY-MM-DD HH:MM:SS, else HH:MM:SS. */
  function localTime(iso, withDate) {
    if (!iso) {
      return 'n/a';
    }
    const d = new Date(iso);
    if (isNaN(d.getTime())) {
      return String(iso);
    }
    const time = pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' + pad2(d.getSeconds());
    return withDate ? d.getFullYear() + '-' + pad2(d.getMonth() + 1) + '-' + pad2(d.getDate()) + ' ' + time : time;
  }

  function clock(iso) {
    return localTime(iso, false);
  }

  function stamp(iso) {
    return localTime(iso, true);
  }

  function ago(iso) {
    if (!iso) {
      return '';
    }
    const s = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
    if (!isFinite(s)) {
      return '';
    }
    if (s < 1) {
      return 'just now';
    }
    if (s < 90) {
      return s + ' s ago';
    }
    if (s < 5400) {
      return Math.round(s / 60) + ' min ago';
    }
    return Math.round(s / 3600) + ' h ago';
  }

  function num(x, digits) {
    if (x === null || x === undefined || !isFinite(x)) {
      return 'n/a';
    }
    if (digits === undefined) {
      digits = Math.abs(x) < 10 ? 2 : Math.abs(x) < 100 ? 1 : 0;
    }
    return Number(x).toFixed(digits);
  }

  function ms(x) {
    return x === null || x === undefined ? 'n/a' : num(x) + '\u00a0ms';
  }

  function count(x) {
    return x === null || x === undefined ? 'n/a' : Number(x).toLocaleString('en-US');
  }

  function bytes(x) {
    if (x === null || x === undefined) {
      return 'n/a';
    }
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let v = Number(x);
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return (i === 0 ? String(v) : v.toFixed(1)) + '\u00a0' + units[i];
  }

  function plural(n, one, many) {
    return n + ' ' + (n === 1 ? one : many);
  }

  // ---------------------------------------------------------------- the API

  class ApiError extends Error {
    constructor(status, body) {
      super(body && body.error ? body.error : 'HTTP ' + status);
      this.status = status;
      this.body = body;
    }
  }

  function goToLogin(expired) {
    if (leaving) {
      return;
    }
    leaving = true;
    location.replace('/login.html' + (expired ? '?expired=1' : ''));
  }

  /**
   * One call to the admin API. A 401 anywhere means the session is gone: back to the login page.
   * Answers with a status in {@code accept} are returned, other non-2xx answers thrown as ApiError.
   */
  async function api(path, options) {
    const opts = options || {};
    const method = opts.method || 'GET';
    const headers = { 'Accept': 'application/json' };
    const init = { method: method, headers: headers, credentials: 'same-origin', cache: 'no-store' };
    if (method !== 'GET' && csrf) {
      headers['X-CSRF-Token'] = csrf;
    }
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(opts.body);
    }
    const res = await fetch(path, init);
    if (res.status === 401) {
      goToLogin(true);
      throw new ApiError(401, null);
    }
    const text = await res.text();
    let body = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch (e) {
        body = { error: text };
      }
    }
    if (!res.ok && !(opts.accept || []).includes(res.status)) {
      throw new ApiError(res.status, body);
    }
    return { status: res.status, body: body, headers: res.headers };
  }

  /** Runs {@code task} now and then {@code everyMs} after each run ends (never two at once). */
  function every(everyMs, task) {
    const run = async () => {
      if (leaving) {
        return;
      }
      try {
        await task();
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 401)) {
          console.warn(e);
        }
      }
      if (!leaving) {
        setTimeout(run, everyMs);
      }
    };
    run();
    return run;
  }

  function failureText(e) {
    if (e instanceof ApiError) {
      return e.message + (e.message.startsWith('HTTP') ? '' : ' (HTTP ' + e.status + ')');
    }
    return 'the admin listener did not answer (' + (e && e.message ? e.message : e) + ')';
  }

  // ---------------------------------------------------------------- login page

  function loginPage() {
    const form = $('login-form');
    const error = $('login-error');
    const submit = $('login-submit');
    if (new URLSearchParams(location.search).has('expired')) {
      const notice = $('login-notice');
      notice.textContent = 'Your session expired. Log in again.';
      notice.hidden = false;
    }
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      submit.disabled = true;
      try {
        const res = await fetch('/api/login', {
          method: 'POST',
          credentials: 'same-origin',
          cache: 'no-store',
          headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
          body: JSON.stringify({ user: $('login-user').value, password: $('login-password').value }),
        });
        if (res.ok) {
          location.replace('/');
          return;
        }
        let body = null;
        try {
          body = await res.json();
        } catch (e) {
          body = null;
        }
        if (res.status === 401) {
          error.textContent = 'wrong user or password';
        } else if (res.status === 429) {
          const wait = parseInt(res.headers.get('Retry-After') || '', 10);
          error.textContent = isFinite(wait)
            ? 'too many attempts, try again in ' + wait + '\u00a0s'
            : 'too many attempts, try again later';
        } else {
          error.textContent = 'login failed: ' + (body && body.error ? body.error : 'HTTP ' + res.status);
        }
        $('login-password').value = '';
        $('login-password').focus();
      } catch (e) {
        error.textContent = 'the admin listener did not answer';
      } finally {
        submit.disabled = false;
      }
    });
  }

  // ---------------------------------------------------------------- console: header

  async function loadHeader() {
    try {
      const v = (await api('/versions.json')).body;
      const java = v.java && v.java.version ? ' · Java ' + v.java.version : '';
      $('version').textContent = 'version ' + v.gatehouse + java;
      if (v.packages) {
        $('version').title = Object.entries(v.packages).map(([k, x]) => k + ' ' + x).join('\n');
      }
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) {
        $('version').textContent = 'version unknown';
      }
    }
  }

  async function logout() {
    try {
      await api('/api/logout', { method: 'POST', accept: [204] });
    } catch (e) {
      // going to the login page anyway
    }
    goToLogin(false);
  }

  // ---------------------------------------------------------------- console: pools

  const STATES = ['up', 'down', 'checking', 'slow_start', 'backup', 'draining'];

  function stateBadge(state) {
    const known = STATES.includes(state) ? state : 'checking';
    return el('span', { class: 'state state-' + known, text: String(state).replace('_', ' ') });
  }

  function lastCheckText(c) {
    if (!c) {
      return el('span', { class: 'muted', text: 'none yet' });
    }
    const what = (c.ok ? 'passed' : 'failed') + (c.reason ? ': ' + c.reason : '');
    return el('span', { title: stamp(c.at) },
      el('span', { class: c.ok ? '' : 'check-failed', text: what }),
      ' · ' + ms(c.latency_ms) + ' · ' + clock(c.at));
  }

  function memberRow(cluster, m) {
    const draining = m.state === 'draining';
    const key = cluster.name + ' ' + m.address;
    const action = draining ? 'undrain' : 'drain';
    const button = el('button', {
      type: 'button',
      class: 'small-button',
      'data-key': key,
      'data-action': action,
      'aria-label': (draining ? 'Undrain ' : 'Drain ') + m.address + ' in ' + cluster.name,
      text: draining ? 'Undrain' : 'Drain',
      onclick: () => drain(cluster.name, m.address, action, button),
    });
    const td = (label, cls, ...content) => el('td', { 'data-label': label, class: cls }, el('span', null, ...content));
    return el('tr', { class: 'member member-' + m.state, 'data-member': m.address, 'data-state': m.state },
      td('Member', 'mono', m.address),
      td('State', 'state-cell', stateBadge(m.state)),
      td('Why', 'why', m.why || '', m.since ? el('span', { class: 'muted small', title: stamp(m.since) },
        ' since ' + clock(m.since)) : null),
      td('In flight', 'num', count(m.in_flight)),
      td('Latency avg / p99', 'num', ms(m.latency_avg_ms) + ' / ' + ms(m.latency_p99_ms)),
      td('Requests / failures', 'num', count(m.requests) + ' / ' + count(m.failures)),
      td('Last check', 'check', lastCheckText(m.last_check)),
      td('Weight / effective', 'num', count(m.weight) + ' / ' + num(m.effective_weight, 2)),
      td('Action', 'action', button));
  }

  function clusterBlock(c) {
    const head = el('tr', null, ...['Member', 'State', 'Why', 'In flight', 'Latency avg / p99',
      'Requests / failures', 'Last check', 'Weight / effective', 'Action']
      .map((h, i) => el('th', { scope: 'col', class: i >= 3 && i <= 5 || i === 7 ? 'num' : null, text: h })));
    const usable = c.members.filter((m) => m.state !== 'down' && m.state !== 'draining').length;
    return el('div', { class: 'cluster', 'data-cluster': c.name },
      el('h3', null, '@' + c.name + ' ',
        el('span', { class: 'muted', text: c.strategy + ' · ' + usable + ' of ' + c.members.length + ' usable' })),
      el('table', { class: 'data pool' },
        el('caption', { class: 'visually-hidden', text: 'Members of cluster ' + c.name }),
        el('thead', null, head),
        el('tbody', null, ...c.members.map((m) => memberRow(c, m)))));
  }

  /** Draws the pool view again; the Drain button that had the focus (or {@code focusKey}'s) keeps it. */
  async function loadPools(focusKey) {
    const p = (await api('/api/pools')).body;
    const body = $('pools-body');
    const focused = typeof focusKey === 'string' ? focusKey
      : document.activeElement && body.contains(document.activeElement) ? document.activeElement.getAttribute('data-key') : null;
    const fresh = p.clusters.length === 0
      ? [el('p', { class: 'muted', text: 'No clusters in this configuration.' })]
      : p.clusters.map(clusterBlock);
    body.replaceChildren(...fresh);
    if (focused) {
      const again = [...body.querySelectorAll('button[data-key]')].find((b) => b.getAttribute('data-key') === focused);
      if (again) {
        again.focus();
      }
    }
    $('pools-updated').textContent = 'generation ' + p.generation + ' · updated ' + clock(p.at);
    const names = $('cluster-names');
    names.replaceChildren(...p.clusters.map((c) => el('option', { value: c.name })));
  }

  async function drain(cluster, address, action, button) {
    const result = $('pools-drain-result');
    const key = button.getAttribute('data-key');
    button.disabled = true;
    try {
      const path = '/api/pools/' + encodeURIComponent(cluster) + '/members/' + encodeURIComponent(address) + '/' + action;
      const r = (await api(path, { method: 'POST' })).body;
      result.textContent = r.member + ' in @' + r.cluster + (r.draining
        ? ' is draining: it gets no new requests'
        : ' is no longer draining');
    } catch (e) {
      result.textContent = (action === 'drain' ? 'Drain' : 'Undrain') + ' of ' + address + ' failed: ' + failureText(e);
    } finally {
      button.disabled = false;
    }
    await loadPools(key).catch(() => {});
  }

  // ---------------------------------------------------------------- console: request log

  const requests = {
    source: null,
    paused: false,
    pending: [],      // arrived while paused, oldest first
    incoming: [],     // arrived since the last draw, oldest first
    filling: false,
    duringFill: [],
    seen: new Set(),
    flushTimer: 0,
    epoch: 0,
  };

  function cellText(field, v) {
    if (v === null || v === undefined || v === '') {
      return '-';
    }
    if (field === 'handling_ms' || field === 'sending_ms') {
      return v + 'ms';
    }
    return String(v);
  }

  function requestRow(rec, fresh) {
    const status = Number(rec.status);
    const tr = el('tr', {
      class: 'status-' + Math.floor(status / 100) + 'xx' + (fresh ? ' fresh' : ''),
      'data-ltid': rec.ltid,
    });
    for (const f of FIELDS.concat(EXTRAS)) {
      const text = cellText(f, rec[f]);
      const cls = f === 'url' ? 'url' : f === 'user_agent' ? 'agent' : f === 'status' ? 'status' : null;
      tr.append(el('td', { class: cls, title: f === 'url' || f === 'user_agent' ? text : null, text: text }));
    }
    return tr;
  }

  function filterQuery() {
    const params = new URLSearchParams();
    for (const [name, id] of [['status', 'filter-status'], ['cluster', 'filter-cluster'], ['host', 'filter-host'],
      ['q', 'filter-q']]) {
      const v = $(id).value.trim();
      if (v) {
        params.set(name, name === 'cluster' ? v.replace(/^@/, '') : v);
      }
    }
    return params;
  }

  function requestsState() {
    const s = $('requests-state');
    if (requests.paused) {
      s.textContent = 'Paused' + (requests.pending.length ? ': ' + plural(requests.pending.length, 'new request', 'new requests')
        + ' waiting' : '');
    } else if (requests.source && requests.source.readyState === EventSource.OPEN) {
      s.textContent = 'Live';
    } else {
      s.textContent = 'Connecting…';
    }
    $('requests-count').textContent = 'Showing ' + plural($('requests-body').rows.length, 'request', 'requests')
      + ', newest first (at most ' + MAX_ROWS + ').';
  }

  function trim(body) {
    while (body.rows.length > MAX_ROWS) {
      const last = body.rows[body.rows.length - 1];
      requests.seen.delete(String(last.getAttribute('data-ltid')));
      last.remove();
    }
  }

  /** Puts {@code records} (oldest first) on top of the table. */
  function prepend(records, fresh) {
    const body = $('requests-body');
    const frag = document.createDocumentFragment();
    for (let i = records.length - 1; i >= 0; i--) {
      frag.append(requestRow(records[i], fresh));
    }
    body.prepend(frag);
    trim(body);
    requestsState();
  }

  function flushIncoming() {
    requests.flushTimer = 0;
    const batch = requests.incoming;
    requests.incoming = [];
    if (batch.length) {
      prepend(batch.slice(-MAX_ROWS), true);
    }
  }

  function onRequest(rec) {
    const key = String(rec.ltid);
    if (requests.filling) {
      requests.duringFill.push(rec);
      return;
    }
    if (requests.seen.has(key)) {
      return;
    }
    requests.seen.add(key);
    if (requests.paused) {
      requests.pending.push(rec);
      if (requests.pending.length > MAX_ROWS) {
        requests.pending.shift();
      }
      requestsState();
      return;
    }
    requests.incoming.push(rec);
    if (!requests.flushTimer) {
      requests.flushTimer = setTimeout(flushIncoming, 100);
    }
  }

  async function fillRequests(epoch, query) {
    if (!requests.filling) {
      requests.filling = true;
      requests.duringFill = [];
    }
    try {
      const q = new URLSearchParams(query);
      q.set('limit', String(MAX_ROWS));
      const r = (await api('/api/requests?' + q.toString())).body;
      if (epoch !== requests.epoch) {
        return;
      }
      if (r.fields && r.fields.slice(0, FIELDS.length).join(',') !== FIELDS.join(',')) {
        console.warn('request fields differ from the console\'s', r.fields);
      }
      const body = $('requests-body');
      requests.seen = new Set();
      const list = (r.requests || []).slice(0, MAX_ROWS);
      const rows = document.createDocumentFragment();
      for (const rec of list) {
        requests.seen.add(String(rec.ltid));
        rows.append(requestRow(rec, false));
      }
      body.replaceChildren(rows);
    } finally {
      if (epoch === requests.epoch) {
        requests.filling = false;
        const late = requests.duringFill;
        requests.duringFill = [];
        late.forEach(onRequest);
        requestsState();
      }
    }
  }

  /** (Re)starts the stream and the initial fill with the current filters. */
  function startRequests() {
    const epoch = ++requests.epoch;
    if (requests.source) {
      requests.source.close();
    }
    requests.pending = [];
    requests.incoming = [];
    // The fill waits for the stream to be open, so that no request falls between the two; what the
    // stream brings meanwhile is held and merged. A stream that does not open still gets a fill.
    requests.filling = true;
    requests.duringFill = [];
    const query = filterQuery().toString();
    const source = new EventSource('/api/requests/stream' + (query ? '?' + query : ''));
    requests.source = source;
    let filled = false;
    let broken = false;
    const fill = () => {
      filled = true;
      fillRequests(epoch, query).catch((e) => {
        if (!(e instanceof ApiError && e.status === 401)) {
          $('requests-state').textContent = 'Could not load requests: ' + failureText(e);
        }
      });
    };
    source.addEventListener('request', (ev) => {
      if (epoch !== requests.epoch) {
        return;
      }
      try {
        onRequest(JSON.parse(ev.data));
      } catch (e) {
        console.warn('unreadable request event', e);
      }
    });
    source.addEventListener('open', () => {
      if (epoch !== requests.epoch) {
        return;
      }
      requestsState();
      if (!filled || broken) {
        // the first time, or back after a break: what came meanwhile is in the fill
        fill();
      }
      broken = false;
    });
    source.addEventListener('error', () => {
      if (epoch !== requests.epoch) {
        return;
      }
      broken = true;
      requestsState();
      if (source.readyState === EventSource.CLOSED) {
        // refused outright (an expired session answers 401): find out, then try again
        api('/api/session').then(() => setTimeout(() => {
          if (epoch === requests.epoch) {
            startRequests();
          }
        }, 3000)).catch(() => {});
      }
    });
    setTimeout(() => {
      if (!filled && epoch === requests.epoch) {
        fill();
      }
    }, 3000);
    requestsState();
  }

  function togglePause() {
    const button = $('requests-pause');
    requests.paused = !requests.paused;
    button.setAttribute('aria-pressed', String(requests.paused));
    button.textContent = requests.paused ? 'Resume' : 'Pause';
    if (!requests.paused) {
      const waiting = requests.pending;
      requests.pending = [];
      prepend(waiting.slice(-MAX_ROWS), true);
    }
    requestsState();
  }

  function requestsPanel() {
    $('request-filters').addEventListener('submit', (ev) => {
      ev.preventDefault();
      startRequests();
    });
    $('filter-status').addEventListener('change', startRequests);
    $('filter-clear').addEventListener('click', () => {
      $('request-filters').reset();
      startRequests();
    });
    $('requests-pause').addEventListener('click', togglePause);
    startRequests();
  }

  // ---------------------------------------------------------------- console: traffic chart

  function niceMax(v) {
    if (!(v > 0)) {
      return 1;
    }
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) {
      if (v <= m * p) {
        return m * p;
      }
    }
    return 10 * p;
  }

  function shortNum(v) {
    if (v >= 1000) {
      return (v / 1000).toFixed(v >= 10000 ? 0 : 1) + 'k';
    }
    return Number.isInteger(v) ? String(v) : v.toFixed(1);
  }

  /** Draws one series of {@code points} as a line chart with axes in {@code svg} (viewBox 300 x 150). */
  function drawChart(svg, points, key, lineClass, unit, extraKey) {
    const W = 300;
    const H = 150;
    const L = 42;
    const R = 10;
    const T = 10;
    const B = 24;
    svg.replaceChildren();
    if (points.length < 2) {
      svg.append(svgEl('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'empty' }, 'waiting for data'));
      return;
    }
    const values = points.map((p) => Number(p[key]) || 0);
    const extra = extraKey ? points.map((p) => Number(p[extraKey]) || 0) : [];
    const top = niceMax(Math.max(...values, ...extra));
    const t0 = new Date(points[0].at).getTime();
    const t1 = new Date(points[points.length - 1].at).getTime();
    const span = Math.max(1, t1 - t0);
    const x = (p) => L + (W - L - R) * ((new Date(p.at).getTime() - t0) / span);
    const y = (v) => T + (H - T - B) * (1 - v / top);
    for (const f of [0, 0.5, 1]) {
      const yy = y(top * f);
      svg.append(svgEl('line', { x1: L, x2: W - R, y1: yy, y2: yy, class: f === 0 ? 'axis' : 'grid' }));
      svg.append(svgEl('text', { x: L - 4, y: yy + 3, 'text-anchor': 'end', class: 'label' }, shortNum(top * f)));
    }
    svg.append(svgEl('line', { x1: L, x2: L, y1: T, y2: H - B, class: 'axis' }));
    svg.append(svgEl('text', { x: L, y: H - 8, 'text-anchor': 'start', class: 'label' }, clock(points[0].at)));
    svg.append(svgEl('text', { x: W - R, y: H - 8, 'text-anchor': 'end', class: 'label' }, clock(points[points.length - 1].at)));
    svg.append(svgEl('text', { x: (L + W - R) / 2, y: H - 8, 'text-anchor': 'middle', class: 'label' }, unit));
    const line = (vals, cls) => svgEl('polyline', {
      class: cls,
      points: points.map((p, i) => x(p).toFixed(1) + ',' + y(vals[i]).toFixed(1)).join(' '),
    });
    svg.append(line(values, lineClass));
    if (extraKey) {
      svg.append(line(extra, 'line-err'));
    }
  }

  async function loadSeries() {
    const s = (await api('/api/series')).body;
    const points = s.points || [];
    drawChart($('chart-rps'), points, 'requests_per_second', 'line-rps', 'requests/s (dashed: 5xx/s)', 'errors_per_second');
    drawChart($('chart-p99'), points, 'p99_ms', 'line-p99', 'p99, ms');
    const summary = $('chart-summary');
    if (points.length === 0) {
      summary.textContent = 'No traffic figures yet.';
    } else {
      const last = points[points.length - 1];
      const minutes = Math.max(1, Math.round(points.length * (s.interval_s || 1) / 60));
      const rps = points.map((p) => p.requests_per_second || 0);
      const p99 = points.map((p) => p.p99_ms || 0);
      const avg = rps.reduce((a, b) => a + b, 0) / rps.length;
      summary.textContent = 'Last ' + plural(minutes, 'minute', 'minutes') + ': '
        + num(last.requests_per_second) + ' requests/s now (average ' + num(avg) + ', peak ' + num(Math.max(...rps)) + '), '
        + num(last.errors_per_second) + ' 5xx answers/s now; p99 ' + num(last.p99_ms) + ' ms now (peak '
        + num(Math.max(...p99)) + ' ms).';
    }
    $('traffic-updated').textContent = (s.interval_s ? 'a point every ' + s.interval_s + ' s · ' : '')
      + 'updated ' + clock(new Date().toISOString());
  }

  // ---------------------------------------------------------------- console: cache

  function cacheFigure(key, v) {
    if (typeof v !== 'number') {
      return String(v);
    }
    if (key.endsWith('ratio')) {
      return num(100 * v, 1) + ' %';
    }
    if (key.endsWith('bytes')) {
      return bytes(v);
    }
    return Number.isInteger(v) ? count(v) : num(v);
  }

  async function loadCache() {
    const c = (await api('/api/cache')).body;
    const body = $('cache-body');
    const form = $('purge-form');
    if (!c.enabled) {
      body.replaceChildren(el('p', null, 'The response cache is off in this configuration ([proxypass] cache_memory or cache_disk).'));
      form.hidden = true;
      return;
    }
    form.hidden = false;
    const rows = (c.tiers || []).map((t) => {
      const looked = (t.hits || 0) + (t.misses || 0);
      return el('tr', { 'data-tier': t.tier },
        el('th', { scope: 'row', text: t.tier }),
        el('td', { class: 'num', text: count(t.entries) }),
        el('td', { class: 'num wrap', text: bytes(t.bytes) + (t.capacity_bytes ? ' of ' + bytes(t.capacity_bytes) : '') }),
        el('td', { class: 'num', text: count(t.hits) }),
        el('td', { class: 'num', text: count(t.misses) }),
        el('td', { class: 'num', text: looked ? num(100 * t.hits / looked, 1) + ' %' : 'n/a' }),
        el('td', { class: 'num', text: count(t.evictions) }));
    });
    const others = Object.entries(c).filter(([k, v]) => k !== 'enabled' && k !== 'tiers' && (typeof v !== 'object' || v === null));
    body.replaceChildren(...[
      el('div', { class: 'scroll-x' }, el('table', { class: 'data tiers' },
        el('caption', { class: 'visually-hidden', text: 'Cache statistics per tier' }),
        el('thead', null, el('tr', null, ...['Tier', 'Entries', 'Size', 'Hits', 'Misses', 'Hit ratio', 'Evictions']
          .map((h, i) => el('th', { scope: 'col', class: i ? 'num' : null, text: h })))),
        el('tbody', null, ...rows))),
      others.length ? el('dl', { class: 'facts small' },
        ...others.flatMap(([k, v]) => [el('dt', { text: k.replace(/_/g, ' ') }), el('dd', { text: cacheFigure(k, v) })])) : null,
    ].filter(Boolean));
    $('cache-updated').textContent = 'updated ' + clock(new Date().toISOString());
  }

  function purgeKind() {
    return document.querySelector('input[name="purge-kind"]:checked').value;
  }

  function purgePanel() {
    const form = $('purge-form');
    const target = $('purge-target');
    const confirmBox = $('purge-confirm');
    const result = $('purge-result');
    let planned = null;

    const syncKind = () => {
      const kind = purgeKind();
      $('purge-target-field').hidden = kind === 'all';
      document.querySelector('label[for="purge-target"]').textContent = kind === 'prefix' ? 'URL prefix' : 'URL';
      target.placeholder = kind === 'prefix' ? 'http://example.com/img/' : 'http://example.com/logo.png';
      confirmBox.hidden = true;
      planned = null;
    };
    form.querySelectorAll('input[name="purge-kind"]').forEach((r) => r.addEventListener('change', syncKind));

    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const kind = purgeKind();
      const value = target.value.trim();
      if (kind !== 'all' && !/^https?:\/\/[^/]+/i.test(value)) {
        result.textContent = 'Give a whole URL, such as http://example.com/logo.png.';
        target.focus();
        return;
      }
      planned = kind === 'all' ? { all: true } : kind === 'prefix' ? { prefix: value } : { url: value };
      $('purge-confirm-text').textContent = kind === 'all'
        ? 'Purge everything in the cache, every tier?'
        : kind === 'prefix' ? 'Purge every cached answer whose URL starts with ' + value + '?'
          : 'Purge the cached answer for ' + value + '?';
      result.textContent = '';
      confirmBox.hidden = false;
      $('purge-confirm-yes').focus();
    });
    $('purge-confirm-no').addEventListener('click', () => {
      confirmBox.hidden = true;
      planned = null;
      result.textContent = 'Purge cancelled.';
      $('purge-submit').focus();
    });
    $('purge-confirm-yes').addEventListener('click', async () => {
      if (!planned) {
        return;
      }
      const what = planned;
      planned = null;
      const yes = $('purge-confirm-yes');
      yes.disabled = true;
      try {
        const r = (await api('/api/cache/purge', { method: 'POST', body: what })).body;
        const n = Number(r.purged);
        result.textContent = 'Purged ' + plural(n, 'entry', 'entries') + (what.all ? ' (everything).'
          : what.prefix ? ' under ' + what.prefix + '.' : ' for ' + what.url + '.');
      } catch (e) {
        result.textContent = 'Purge failed: ' + failureText(e);
      } finally {
        yes.disabled = false;
        confirmBox.hidden = true;
        $('purge-submit').focus();
      }
      loadCache().catch(() => {});
    });
    syncKind();
  }

  // ---------------------------------------------------------------- console: configuration

  function problems(title, lines, cls) {
    if (!lines || lines.length === 0) {
      return null;
    }
    return el('div', { class: cls },
      el('p', { class: 'small', text: title }),
      el('pre', { class: 'problems', text: lines.join('\n') }));
  }

  function reloadFacts(r) {
    return el('dl', { class: 'facts' },
      el('dt', { text: 'attempt' }), el('dd', { text: '#' + r.attempt + ' at ' + stamp(r.at) + ' (' + ago(r.at) + ')' }),
      el('dt', { text: 'trigger' }), el('dd', { text: r.trigger || 'n/a' }),
      el('dt', { text: 'result' }), el('dd', {
        text: r.applied ? 'applied, generation ' + r.generation
          : 'refused, generation ' + r.generation + ' keeps serving',
      }));
  }

  async function loadConfig() {
    const c = (await api('/api/config')).body;
    const files = (c.files || []).map((f) => el('tr', null,
      el('td', { class: 'mono', text: f.name }),
      el('td', { class: 'num', text: bytes(f.size) }),
      el('td', { class: 'hash', text: f.sha256 })));
    const r = c.last_reload;
    $('config-body').replaceChildren(
      el('dl', { class: 'facts' },
        el('dt', { text: 'directory' }), el('dd', { class: 'mono', text: c.directory }),
        el('dt', { text: 'generation' }), el('dd', { text: String(c.generation) }),
        el('dt', { text: 'loaded at' }), el('dd', { text: stamp(c.loaded_at) + ' (' + ago(c.loaded_at) + ')' })),
      el('h3', { text: 'Files' }),
      files.length ? el('table', { class: 'data files' },
        el('caption', { class: 'visually-hidden', text: 'Configuration files and their SHA-256' }),
        el('thead', null, el('tr', null, el('th', { scope: 'col', text: 'file' }),
          el('th', { scope: 'col', class: 'num', text: 'size' }), el('th', { scope: 'col', text: 'SHA-256' }))),
        el('tbody', null, ...files)) : el('p', { class: 'muted', text: 'No files.' }),
      el('h3', { text: 'Last reload' }),
      r ? el('div', { id: 'last-reload', class: r.applied ? 'last-applied' : 'last-refused' },
        reloadFacts(r),
        problems(plural((r.errors || []).length, 'error', 'errors') + ':', r.errors, 'errors'),
        problems('Warnings:', r.warnings, 'warnings'),
        problems('Need a restart to take effect:', r.restart_needed, 'restart'))
        : el('p', { class: 'muted', text: 'No reload since start.' }));
    $('config-updated').textContent = 'updated ' + clock(new Date().toISOString());
  }

  async function reload() {
    const button = $('reload');
    const out = $('reload-result');
    const hadFocus = document.activeElement === button;
    button.disabled = true;
    button.textContent = 'Reloading…';
    out.replaceChildren(el('p', { text: 'Reloading…' }));
    try {
      const res = await api('/api/config/reload', { method: 'POST', accept: [422] });
      const r = res.body;
      if (r.applied) {
        out.replaceChildren(el('div', { class: 'outcome outcome-applied' },
          el('p', { text: 'Reload applied: generation ' + r.generation + ' is serving.' }),
          problems('Warnings:', r.warnings, 'warnings'),
          problems('Need a restart to take effect:', r.restart_needed, 'restart')));
      } else {
        const errors = r.errors || [];
        out.replaceChildren(el('div', { class: 'outcome outcome-refused' },
          el('p', { text: 'Reload refused, generation ' + r.generation + ' keeps serving: ' + plural(errors.length, 'error', 'errors') + '.' }),
          problems('Errors:', errors, 'errors'),
          problems('Warnings:', r.warnings, 'warnings')));
      }
    } catch (e) {
      out.replaceChildren(el('div', { class: 'outcome outcome-error' },
        el('p', { text: 'Reload failed: ' + failureText(e) })));
    } finally {
      button.disabled = false;
      button.textContent = 'Reload configuration';
      if (hadFocus) {
        button.focus(); // a disabled button loses the focus: give it back
      }
    }
    loadConfig().catch(() => {});
  }

  // ---------------------------------------------------------------- console page

  async function consolePage() {
    let session;
    try {
      session = (await api('/api/session')).body;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) {
        $('pools-body').replaceChildren(el('p', { class: 'error-text', text: 'The admin API did not answer: ' + failureText(e) }));
      }
      return;
    }
    csrf = session.csrf;
    $('user').textContent = session.user;
    $('logout').addEventListener('click', logout);
    $('reload').addEventListener('click', reload);
    loadHeader();
    every(POOLS_EVERY_MS, loadPools);
    requestsPanel();
    purgePanel();
    every(SLOW_EVERY_MS, loadSeries);
    every(SLOW_EVERY_MS, loadCache);
    every(SLOW_EVERY_MS, loadConfig);
  }

  document.addEventListener('DOMContentLoaded', () => {
    const page = document.body.getAttribute('data-page');
    if (page === 'login') {
      loginPage();
    } else if (page === 'console') {
      consolePage();
    }
  });
}());
