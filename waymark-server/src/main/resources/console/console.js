// Waymark operator console: plain JavaScript, no framework, no CDN (it must work with the daemon
// offline). State comes from the daemon's server-sent events (/api/events), read with fetch so that
// the bearer token can go in the Authorization header (EventSource cannot send headers). The token is
// kept in sessionStorage only: gone when the tab closes.
'use strict';
(() => {
  const $ = (sel) => document.querySelector(sel);
  const el = (tag, attrs = {}, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
    }
    for (const k of kids) if (k != null) e.append(k);
    return e;
  };
  const TIMELINE_MAX = 5000;
  const CHART_WINDOW_MS = 10 * 60 * 1000;
  let token = sessionStorage.getItem('waymark-token') || '';
  let state = null;
  let timeline = [];
  let lastPlansKey = '';

  // ---- token -------------------------------------------------------------------------------------
  function showToken() {
    $('#token-state').textContent = token ? 'token set: levers enabled' : 'no token: read-only';
  }
  $('#token-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    token = $('#token').value.trim();
    $('#token').value = '';
    if (token) sessionStorage.setItem('waymark-token', token); else sessionStorage.removeItem('waymark-token');
    showToken();
    reconnect();
  });
  const headers = (extra = {}) => Object.assign({ 'Accept': 'application/json', 'X-Waymark-Operator': 'console' }, token ? { 'Authorization': 'Bearer ' + token } : {}, extra);

  // ---- toast -------------------------------------------------------------------------------------
  let toastTimer = 0;
  function toast(text, error) {
    const t = $('#toast');
    t.textContent = text;
    t.className = 'show' + (error ? ' err' : '');
    t.dataset.kind = error ? 'error' : 'ok';
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { t.className = ''; }, 8000);
  }

  // ---- live updates (SSE over fetch) -------------------------------------------------------------
  let abort = null;
  let backoffMs = 500;
  function reconnect() {
    if (abort) abort.abort();
    connect();
  }
  async function connect() {
    const ctl = new AbortController();
    abort = ctl;
    setConn('connecting', 'connecting…');
    try {
      const res = await fetch('/api/events', { headers: headers({ 'Accept': 'text/event-stream' }), signal: ctl.signal, cache: 'no-store' });
      if (res.status === 401) {
        const body = await res.json().catch(() => ({}));
        setConn('lost', 'token needed');
        toast('Reads need the API token here: ' + (body.error || 'HTTP 401'), true);
        return; // wait for a token: no retry loop against a refusal
      }
      if (!res.ok || !res.body) throw new Error('HTTP ' + res.status);
      setConn('live', 'live');
      backoffMs = 500;
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          let event = 'message', data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data += line.slice(5).replace(/^ /, '');
          }
          if (data) onEvent(event, data);
        }
      }
      throw new Error('stream ended');
    } catch (e) {
      if (ctl.signal.aborted) return;
      setConn('lost', 'reconnecting…');
      setTimeout(() => { if (abort === ctl) connect(); }, backoffMs);
      backoffMs = Math.min(backoffMs * 2, 5000);
    }
  }
  function setConn(s, text) {
    const c = $('#conn');
    c.dataset.state = s;
    c.textContent = text;
  }
  function onEvent(event, data) {
    const v = JSON.parse(data);
    if (event === 'state') { state = v; render(); }
    else if (event === 'timeline') {
      const seen = new Set(timeline.map((e) => e.seq));
      for (const e of v) if (!seen.has(e.seq)) timeline.push(e);
      timeline.sort((a, b) => a.seq - b.seq);
      if (timeline.length > TIMELINE_MAX) timeline = timeline.slice(-TIMELINE_MAX);
      renderTimeline();
    }
  }

  // ---- rendering ---------------------------------------------------------------------------------
  function render() {
    renderBanners();
    renderEndpoints();
    renderEnactors();
    renderTargets();
    renderTimeline();
    refreshPlans();
  }
  function banner(kind, title, detail) {
    return el('div', { class: 'banner ' + kind, id: 'banner-' + title.split(':')[0].toLowerCase().replace(/[^a-z]+/g, '-'), 'data-banner': kind }, title, detail ? el('small', { text: detail }) : null);
  }
  function renderBanners() {
    const b = $('#banners');
    b.replaceChildren();
    if (state.guardRefusal) b.append(el('div', { class: 'banner', id: 'banner-refused', 'data-banner': 'refused' }, 'The enactors\' change guard refuses the latest plan: ' + state.guardRefusal.detail,
      el('small', { text: 'What to do: ' + state.guardRefusal.whatToDo })));
    for (const st of state.stores || []) if (st.state !== 'UP') b.append(el('div', { class: 'banner', id: 'banner-store-' + st.store, 'data-banner': 'store' },
      st.store + ' store ' + st.state + ' since ' + st.since + ': ' + st.reason, el('small', { text: 'What to do: ' + st.whatToDo + ' DNS keeps answering the last applied records.' })));
    if (state.planStoreError) b.append(el('div', { class: 'banner', 'data-banner': 'store' }, 'Plan store unavailable: ' + state.planStoreError));
    if (state.paused) b.append(el('div', { class: 'banner', id: 'banner-paused', 'data-banner': 'paused' }, 'Automation is PAUSED',
      el('small', { text: 'Enactors write nothing; DNS keeps answering the last applied records. Resume to apply the latest plan.' })));
    if (state.pinned) b.append(el('div', { class: 'banner held', id: 'banner-pinned', 'data-banner': 'pinned' }, 'The plan is PINNED',
      el('small', { text: 'The planner publishes nothing; health changes do not reach DNS until unpinned.' })));
    for (const [name, why] of Object.entries(state.unservable || {})) b.append(el('div', { class: 'banner', 'data-banner': 'unservable' }, name + ' cannot be served', el('small', { text: why })));
    for (const i of state.incidents || []) b.append(el('div', { class: 'banner held', 'data-banner': 'incident' }, 'Customers are told: ' + i.title, el('small', { text: 'open since ' + i.startedAt + ' on /status' })));
  }
  function addrList(fam, list) {
    if (!list || !list.length) return null;
    const total = list.reduce((s, a) => s + a.weight, 0) || 1;
    return el('div', {}, el('div', { class: 'fam', text: fam + ' (' + list.length + ')' }),
      ...list.map((a) => el('div', { class: 'addr' }, el('span', { text: a.address }), el('span', { text: a.weight + ' · ' + Math.round(100 * a.weight / total) + '%' }))));
  }
  function renderEndpoints() {
    const box = $('#endpoints');
    box.replaceChildren();
    for (const e of state.endpoints || []) {
      const behind = e.generation < e.latestGeneration;
      const frac = e.capacity ? e.capacity.fraction : 1;
      const cls = e.error ? 'bad' : frac < 0.5 ? 'bad' : (frac < 1 || behind) ? 'warn' : 'ok';
      box.append(el('div', { class: 'card endpoint ' + cls, 'data-endpoint': e.name, 'data-generation': String(e.generation) },
        el('h3', { text: e.name }),
        el('div', { class: 'kv' }, el('span', { text: 'served' }), el('b', { text: 'g' + e.generation + (behind ? ' (latest g' + e.latestGeneration + ')' : ' = latest') })),
        e.error ? el('div', { class: 'muted', text: e.error }) : null,
        el('div', { class: 'kv' }, el('span', { text: 'capacity in service' }), el('span', { text: e.capacity ? (e.capacity.inService + ' / ' + e.capacity.total + ' (' + e.capacity.healthyTargets + '/' + e.capacity.targets + ' targets healthy)') : '?' })),
        el('div', { class: 'bar' }, el('i', { style: 'width:' + Math.round(100 * frac) + '%;background:' + (frac < 0.5 ? 'var(--bad)' : frac < 1 ? 'var(--warn)' : 'var(--ok)') })),
        addrList('A', e.families && e.families.A), addrList('AAAA', e.families && e.families.AAAA)));
    }
    if (state.endpointCount > (state.endpoints || []).length) box.append(el('div', { class: 'muted', text: 'and ' + (state.endpointCount - state.endpoints.length) + ' more endpoints (see the API)' }));
  }
  function ago(iso) {
    const t = Date.parse(iso);
    if (!t) return iso || 'never';
    const s = Math.max(0, (Date.now() - t) / 1000);
    return s < 1 ? 'just now' : s < 120 ? Math.round(s) + ' s ago' : Math.round(s / 60) + ' min ago';
  }
  function renderEnactors() {
    const box = $('#enactors');
    box.replaceChildren();
    for (const e of state.enactors || []) {
      const cls = e.condition === 'OK' ? 'ok' : e.condition === 'HELD' ? 'held' : 'bad';
      box.append(el('div', { class: 'card enactor ' + cls, 'data-enactor': e.id, 'data-condition': e.condition },
        el('h3', { text: e.id + ' · ' + (e.condition === 'HELD' ? 'paused (writes nothing)' : e.condition) }),
        el('div', { class: 'kv' }, el('span', { text: 'last tick' }), el('span', { text: ago(e.lastTickAt) })),
        el('div', { class: 'kv' }, el('span', { text: 'working on' }), el('span', { text: 'g' + e.planGeneration + (e.lagGenerations ? ' (' + e.lagGenerations + ' behind)' : '') })),
        el('div', { class: 'muted', text: e.conditionDetail }),
        el('div', { class: 'muted', style: 'font-size:.75rem;word-break:break-all', text: e.lastResult })));
    }
  }
  function renderTargets() {
    const box = $('#targets');
    box.replaceChildren();
    for (const t of state.targets || []) {
      const cls = t.health === 'UP' ? 'ok' : t.health === 'DOWN' ? 'bad' : 'unknown';
      const last = (t.checks || []).slice(-1)[0];
      box.append(el('div', { class: 'card target ' + cls, 'data-target': t.id, 'data-health': t.health },
        el('h3', { text: t.id + ' · ' + t.health }),
        el('div', { class: 'kv' }, el('span', { text: 'address' }), el('span', { text: t.address })),
        el('div', { class: 'kv' }, el('span', { text: 'zone / capacity' }), el('span', { text: t.zone + ' / ' + t.capacity })),
        el('div', { class: 'kv' }, el('span', { text: 'last check' }), el('span', { text: last ? (last.passed ? 'pass' : 'FAIL') + ' in ' + last.latencyMs + ' ms, ' + ago(last.at) : 'not probed yet' })),
        el('div', { class: 'checks', title: 'recent checks, oldest first' }, ...(t.checks || []).map((c) => el('b', { class: c.passed ? '' : 'f', title: c.at + ' ' + c.latencyMs + ' ms' }))),
        el('div', { class: 'levers', style: 'margin-top:.4rem' },
          el('button', { class: 'lever', 'data-lever': 'fail', 'data-id': t.id, text: 'fail (demo)' }),
          el('button', { class: 'lever', 'data-lever': 'recover', 'data-id': t.id, text: 'recover (demo)' }))));
    }
  }

  // ---- timeline chart (SVG, by hand) -------------------------------------------------------------
  const COLORS = ['#60a5fa', '#34d399', '#f472b6', '#fbbf24', '#a78bfa', '#f87171'];
  function renderTimeline() {
    const box = $('#chart');
    const now = Date.now();
    // The last 10 minutes, or less while there is less history: a fresh daemon's chart is not one pixel wide.
    const first = timeline.length ? timeline[0].t : now;
    const windowMs = Math.min(CHART_WINDOW_MS, Math.max(60000, now - first + 5000));
    const from = now - windowMs;
    const W = 1000, H = 220, L = 50, R = 10, T = 10, B = 40;
    const served = timeline.filter((e) => e.kind === 'served');
    const published = timeline.filter((e) => e.kind === 'published');
    const maxG = Math.max(1, ...served.map((e) => e.generation), ...published.map((e) => e.generation));
    const x = (t) => L + (W - L - R) * (Math.max(t, from) - from) / windowMs;
    const y = (g) => T + (H - T - B) * (1 - g / maxG);
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    svg.setAttribute('preserveAspectRatio', 'none');
    const add = (tag, attrs, text) => { const n = document.createElementNS(ns, tag); for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v); if (text) n.textContent = text; svg.append(n); return n; };
    for (let i = 0; i <= 4; i++) {
      const g = Math.round(maxG * i / 4);
      add('line', { x1: L, x2: W - R, y1: y(g), y2: y(g), stroke: '#26304a' });
      add('text', { x: 4, y: y(g) + 4, fill: '#8b94a8', 'font-size': 11 }, 'g' + g);
    }
    for (let k = 0; k <= 5; k++) {
      const ago = Math.round(windowMs * (5 - k) / 5 / 1000);
      add('text', { x: x(from + windowMs * k / 5) - 12, y: H - 22, fill: '#8b94a8', 'font-size': 11 }, ago === 0 ? 'now' : ago >= 120 ? '-' + Math.round(ago / 60) + 'm' : '-' + ago + 's');
    }
    const step = (events, color, width, dash) => {
      if (!events.length) return;
      let d = '', lastG = null;
      for (const e of events) {
        if (lastG === null) d += `M${x(e.t)},${y(e.generation)}`; else d += `H${x(e.t)}V${y(e.generation)}`;
        lastG = e.generation;
      }
      d += `H${x(now)}`;
      add('path', { d, fill: 'none', stroke: color, 'stroke-width': width, 'stroke-dasharray': dash || '' });
    };
    step(published, '#e6e9f0', 1.5, '4 3');
    const names = [...new Set(served.map((e) => e.endpoint))];
    names.forEach((n, i) => step(served.filter((e) => e.endpoint === n), COLORS[i % COLORS.length], 2.5));
    for (const e of timeline.filter((e) => e.kind === 'health' || e.kind === 'lever' || e.kind === 'refusal' || e.kind === 'store')) {
      if (e.t < from) continue;
      const bad = (e.kind === 'health' && e.health === 'DOWN') || (e.on === true) || (e.kind === 'store' && e.state !== 'UP');
      const mark = add('rect', { x: x(e.t) - 2, y: H - 16, width: 4, height: 12, fill: bad ? '#ef4444' : '#22c55e' });
      const tip = document.createElementNS(ns, 'title'); tip.textContent = e.at + ' ' + e.text; mark.append(tip);
    }
    add('text', { x: L, y: H - 4, fill: '#8b94a8', 'font-size': 11 }, 'dashed: latest published · solid: served per endpoint (' + names.join(', ') + ') · marks: health/levers (red = trouble)');
    box.replaceChildren(svg);
    const list = $('#events');
    list.replaceChildren(...timeline.slice(-60).reverse().map((e) => el('li', { class: e.kind + (e.health ? ' health-' + e.health : ''), text: new Date(e.t).toLocaleTimeString() + '  ' + e.text })));
  }

  // ---- plan history and diff ---------------------------------------------------------------------
  async function api(path, opts = {}) {
    const res = await fetch(path, Object.assign({ headers: headers(opts.body ? { 'Content-Type': 'application/json' } : {}), cache: 'no-store' }, opts));
    const body = await res.json().catch(() => ({ error: 'HTTP ' + res.status + ' (not JSON)' }));
    if (!res.ok) { const e = new Error(body.error || 'HTTP ' + res.status); e.status = res.status; throw e; }
    return body;
  }
  async function refreshPlans() {
    const key = state.latestGeneration + '';
    if (key === lastPlansKey) return;
    lastPlansKey = key;
    try {
      const h = await api('/api/plans');
      const list = $('#plans');
      list.replaceChildren(...h.generations.slice().reverse().map((g) => el('li', { 'data-generation': g.generation, onclick: () => showDiff(g.generation, h.generations),
        text: 'g' + g.generation + (g.forced ? ' forced' : '') + (g.generation === h.latest ? '  ← latest' : '') + (g.publishedAtMillis ? '  ' + new Date(g.publishedAtMillis).toLocaleTimeString() : '') })));
    } catch (e) { lastPlansKey = ''; }
  }
  async function showDiff(g, gens) {
    document.querySelectorAll('#plans li').forEach((li) => li.classList.toggle('sel', li.dataset.generation === String(g)));
    const idx = gens.findIndex((x) => x.generation === g);
    const prev = idx > 0 ? gens[idx - 1].generation : null;
    const box = $('#diff');
    box.replaceChildren();
    try {
      if (prev === null) {
        const p = await api('/api/plans/' + g);
        box.append(el('div', { text: 'g' + g + ' (oldest kept): ' }));
        for (const [name, rs] of Object.entries(p.recordSets)) box.append(el('div', { text: name + '  ttl ' + rs.ttl }), ...rs.records.map((r) => el('div', { class: 'add', text: '  + ' + r.address + ' weight ' + r.weight })));
        return;
      }
      const d = await api('/api/plans/diff?from=' + prev + '&to=' + g);
      box.append(el('div', { text: 'g' + prev + ' → g' + g + (d.changes.length ? '' : ': no differences') }));
      for (const c of d.changes) {
        box.append(el('div', { text: c.endpoint }));
        for (const a of c.added) box.append(el('div', { class: 'add', text: '  + ' + a.address + ' weight ' + a.weight + ' (added)' }));
        for (const a of c.removed) box.append(el('div', { class: 'del', text: '  − ' + a.address + ' weight ' + a.weight + ' (removed)' }));
        for (const a of c.reweighted) box.append(el('div', { class: 'chg', text: '  ~ ' + a.address + ' weight ' + a.from + ' → ' + a.to }));
        if (c.ttlFrom !== undefined) box.append(el('div', { class: 'chg', text: '  ~ ttl ' + c.ttlFrom + ' → ' + c.ttlTo }));
      }
    } catch (e) { box.append(el('div', { class: 'del', text: e.message })); }
  }

  // ---- levers, with a confirmation that states the effect ----------------------------------------
  function effect(lever, btn) {
    const g = state ? state.latestGeneration : '?';
    switch (lever) {
      case 'pause': return ['Pause automation?', 'Pause: enactors stop writing; DNS keeps answering the last applied records. The planner keeps planning, but nothing reaches DNS until you resume.', 'POST', '/api/pause'];
      case 'resume': return ['Resume automation?', 'Resume: enactors apply the latest plan (g' + g + ') on their next tick; DNS follows within about a second.', 'POST', '/api/resume'];
      case 'pin': return ['Pin the plan?', 'Pin: the planner publishes nothing; g' + g + ' stays the latest plan and enactors keep serving it. Health changes do not reach DNS until you unpin.', 'POST', '/api/pin'];
      case 'unpin': return ['Unpin?', 'Unpin: the planner publishes again; its next plan follows the targets\' current health.', 'POST', '/api/unpin'];
      case 'rollback': {
        const to = $('#rollback-gen').value.trim();
        if (!/^\d+$/.test(to)) { toast('Roll back needs a generation number', true); return null; }
        return ['Roll back to g' + to + '?', 'Roll back: the content of g' + to + ' is republished as a new forced generation (g' + (Number(g) + 1) + '); enactors apply it on their next tick, past the change guard. Pin first, or the planner re-plans around current health at once.', 'POST', '/api/rollback/' + to];
      }
      case 'publish': {
        const why = $('#force-reason').value.trim();
        if (!why) { toast('A forced publish needs a reason: it goes to the audit log', true); return null; }
        return ['Force publish?', 'Force publish: the planner\'s current plan is published now and enactors apply it past their change guard (never past the non-empty guard). Reason recorded in the audit log: "' + why + '".', 'POST', '/api/publish?force=true&reason=' + encodeURIComponent(why)];
      }
      case 'fail': return ['Fail ' + btn.dataset.id + '?', 'Demo: ' + btn.dataset.id + ' fails its health check; its address leaves DNS within about 2 s (the safety rules permitting).', 'POST', '/api/targets/' + encodeURIComponent(btn.dataset.id) + '/fail'];
      case 'recover': return ['Recover ' + btn.dataset.id + '?', 'Demo: ' + btn.dataset.id + ' passes its health check again; its address returns to DNS within a few checks.', 'POST', '/api/targets/' + encodeURIComponent(btn.dataset.id) + '/recover'];
    }
    return null;
  }
  document.addEventListener('click', (ev) => {
    const btn = ev.target.closest('button.lever');
    if (!btn) return;
    const e = effect(btn.dataset.lever, btn);
    if (!e) return;
    const [title, text, method, path] = e;
    const dlg = $('#confirm');
    $('#confirm-title').textContent = title;
    $('#confirm-effect').textContent = text;
    dlg.returnValue = '';
    dlg.onclose = async () => {
      if (dlg.returnValue !== 'ok') return;
      try {
        const r = await api(path, { method });
        toast(r.message || 'done');
      } catch (err) {
        toast((err.status === 401 ? 'Refused (401): ' : 'Refused: ') + err.message, true);
      }
    };
    dlg.showModal();
  });

  showToken();
  connect();
  setInterval(() => { if (state) renderEnactors(); }, 1000); // "last tick … ago" keeps moving between events
})();
