/**
 * The console's one page: figures pushed by /api/events (server-sent events), the NAV chart by uPlot (served from
 * /assets), laid out for a phone first. Text from the engine is set with textContent, never as HTML.
 */
export const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>COCE console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/uPlot.min.css">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1b1f24; }
  header { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; padding: 10px 14px; background: #1b1f24; color: #fff; }
  header h1 { font-size: 16px; margin: 0 8px 0 0; }
  .badge { border-radius: 10px; padding: 2px 8px; font-size: 12px; background: #2e7d32; }
  .badge.halted { background: #c62828; } .badge.probation, .badge.reducing { background: #ef6c00; }
  main { padding: 10px; display: grid; gap: 10px; grid-template-columns: 1fr; max-width: 1200px; margin: 0 auto; }
  @media (min-width: 900px) { main { grid-template-columns: 1fr 1fr; } .wide { grid-column: 1 / -1; } }
  section { background: #fff; border-radius: 8px; padding: 10px 12px; box-shadow: 0 1px 2px rgba(0,0,0,.08); min-width: 0; }
  h2 { font-size: 14px; margin: 0 0 8px; }
  .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 8px; }
  .card b { display: block; font-size: 18px; }
  .scroll { overflow-x: auto; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  th, td { text-align: right; padding: 3px 6px; border-bottom: 1px solid #eee; white-space: nowrap; }
  th:first-child, td:first-child { text-align: left; }
  .neg { color: #c62828; } .pos { color: #2e7d32; } .muted { color: #6b7280; }
  ul { margin: 0; padding-left: 18px; }
  #controls form, #controls .buttons { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
  button, input { font: inherit; padding: 6px 10px; border-radius: 6px; border: 1px solid #c5cad3; background: #fff; }
  button { cursor: pointer; } button.danger { border-color: #c62828; color: #c62828; }
  #controls[hidden] { display: none; }
</style>
</head>
<body>
<header><h1>COCE</h1><span id="mode" class="muted"></span><span id="kill" class="badge">…</span><span id="paused" class="badge probation" hidden>entries paused</span><span id="waiting" class="badge reducing" hidden></span><span id="bar" class="muted">waiting for the first cycle</span></header>
<main>
  <section class="wide"><div class="cards">
    <div class="card">NAV<b id="nav">–</b></div>
    <div class="card">return<b id="ret">–</b></div>
    <div class="card">drawdown<b id="dd">–</b></div>
    <div class="card">cash<b id="cash">–</b></div>
    <div class="card" title="marks of the options held plus the sleeve's cash (premiums paid, sales, settlements)">options sleeve, net<b id="sleeve">–</b></div>
  </div><div id="killreason" class="muted"></div></section>
  <section class="wide" id="controls" hidden><h2>Controls <span class="muted">(applied at the next cycle, logged with who asked)</span></h2>
    <form id="login"><input id="token" type="password" autocomplete="current-password" placeholder="console token" aria-label="console token"><button>Log in</button></form>
    <div class="buttons" id="actions" hidden>
      <button data-control="pause-entries">Pause entries</button><button data-control="resume-entries">Resume entries</button>
      <button data-control="flatten" class="danger">Flatten all</button><button data-control="lift-halt">Lift halt…</button><button id="logout">Log out</button>
    </div><div id="said" class="muted"></div></section>
  <section class="wide"><h2>NAV against buy-and-hold <span class="benchmark">BTC</span> and the micro-caps</h2><div id="chart"></div>
    <div class="scroll"><table id="performance"><thead><tr><th>since start</th><th>return</th><th>drawdown now</th><th>max drawdown</th></tr></thead><tbody></tbody></table></div></section>
  <section class="wide"><h2>Drawdown from each one's peak, %</h2><div id="ddchart"></div></section>
  <section class="wide"><h2>Open positions</h2><div class="scroll"><table id="positions"><thead><tr><th>asset</th><th>qty</th><th>entry</th><th>last</th><th>value USD</th><th>P&amp;L USD</th><th>P&amp;L %</th><th>take-profit</th><th>exit</th><th></th></tr></thead><tbody></tbody></table></div></section>
  <section><h2>Recent pump alarms</h2><div class="scroll"><table id="alarms"><thead><tr><th>asset</th><th>probability</th><th>candidate</th><th>bar</th></tr></thead><tbody></tbody></table></div></section>
  <section><h2>Guardrail trips</h2><ul id="trips"></ul></section>
  <section class="wide"><h2>Options sleeve</h2><div class="scroll"><table id="sleevepos"><thead><tr><th>instrument</th><th>qty</th><th>marked value USD</th></tr></thead><tbody></tbody></table></div></section>
  <section class="wide"><h2>Clusters <span class="muted">(held now, % of NAV)</span></h2><ul id="clusters"></ul></section>
</main>
<script src="/assets/uPlot.iife.min.js"></script>
<script>
(() => {
  const $ = (id) => document.getElementById(id);
  const usd = (x) => x.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
  const pct = (x) => (x === null ? 'n/a' : x.toFixed(2) + ' %');
  const cell = (tr, text, cls) => { const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; tr.appendChild(td); };
  const sign = (x) => (x < 0 ? 'neg' : x > 0 ? 'pos' : '');
  const plots = {};
  const series = (benchmark) => [{ label: 'NAV', stroke: '#1565c0', width: 2 }, { label: benchmark, stroke: '#ef6c00' }, { label: 'micro-caps', stroke: '#6b7280' }];
  // one uPlot per chart, made on the first snapshot and fed the new columns after
  function drawChart(id, height, data, benchmark) {
    const el = $(id);
    if (plots[id] === undefined) {
      plots[id] = new uPlot({ width: Math.max(240, el.clientWidth), height, series: [{}, ...series(benchmark)], axes: [{}, { size: 70 }] }, data, el);
      window.addEventListener('resize', () => plots[id].setSize({ width: Math.max(240, el.clientWidth), height }));
    } else plots[id].setData(data);
  }
  function render(s) {
    document.body.dataset.cycle = String(s.cycle);
    $('mode').textContent = s.mode;
    for (const el of document.querySelectorAll('.benchmark')) el.textContent = s.benchmark;
    $('bar').textContent = s.ts === null ? 'no cycle yet' : 'bar closed ' + s.ts.replace('T', ' ').slice(0, 16) + ' UTC (cycle ' + s.cycle + ')';
    $('kill').textContent = s.killSwitch.state;
    $('kill').className = 'badge ' + s.killSwitch.state;
    $('paused').hidden = s.entriesPaused === null;
    $('waiting').hidden = s.requestsWaiting === 0;
    $('waiting').textContent = s.requestsWaiting + ' request' + (s.requestsWaiting === 1 ? '' : 's') + ' waiting for the next cycle';
    $('killreason').textContent = [s.killSwitch.reason === null ? '' : 'kill-switch: ' + s.killSwitch.reason, s.entriesPaused === null ? '' : 'entries paused by ' + s.entriesPaused.by + ' since cycle ' + s.entriesPaused.sinceCycle].filter(Boolean).join(' · ');
    $('nav').textContent = usd(s.navUsd);
    $('ret').textContent = pct(s.returnPct);
    $('dd').textContent = pct(s.drawdownPct);
    $('cash').textContent = usd(s.cashUsd);
    $('sleeve').textContent = usd(s.sleeve.valueUsd);
    const pos = $('positions').tBodies[0];
    pos.replaceChildren();
    for (const p of s.positions) {
      const tr = document.createElement('tr');
      cell(tr, p.symbol); cell(tr, p.qty.toPrecision(6)); cell(tr, p.avgEntryPriceUsd.toPrecision(6)); cell(tr, p.lastPriceUsd.toPrecision(6));
      cell(tr, usd(p.valueUsd)); cell(tr, usd(p.pnlUsd), sign(p.pnlUsd)); cell(tr, pct(p.pnlPct), sign(p.pnlPct));
      cell(tr, p.takeProfitUsd === null ? '–' : p.takeProfitUsd.toPrecision(6)); cell(tr, p.exit ?? '–');
      const td = document.createElement('td');
      if (csrf !== null) { const b = document.createElement('button'); b.textContent = 'Flatten'; b.className = 'danger'; b.onclick = () => control('flatten', { symbol: p.symbol }); td.appendChild(b); }
      tr.appendChild(td);
      pos.appendChild(tr);
    }
    const al = $('alarms').tBodies[0];
    al.replaceChildren();
    for (const a of s.alarms.slice(0, 20)) {
      const tr = document.createElement('tr');
      cell(tr, a.symbol); cell(tr, a.probability.toFixed(3)); cell(tr, a.candidate ? 'yes' : 'no'); cell(tr, a.ts.slice(5, 16).replace('T', ' '));
      al.appendChild(tr);
    }
    const trips = $('trips');
    trips.replaceChildren(...s.guardrailTrips.slice(0, 15).map((t) => { const li = document.createElement('li'); li.textContent = t.ts.slice(5, 16).replace('T', ' ') + ' ' + t.guardrail + ': ' + t.reason; return li; }));
    if (s.guardrailTrips.length === 0) { const li = document.createElement('li'); li.className = 'muted'; li.textContent = 'none'; trips.appendChild(li); }
    const perf = $('performance').tBodies[0];
    perf.replaceChildren();
    for (const [key, label] of [['nav', 'NAV'], ['btc', s.benchmark + ' buy-and-hold'], ['microCaps', 'micro-caps, equal weight']]) {
      const f = s.performance[key];
      const tr = document.createElement('tr');
      tr.dataset.series = key;
      cell(tr, label);
      if (f === null) { cell(tr, 'n/a'); cell(tr, 'n/a'); cell(tr, 'n/a'); }
      else { cell(tr, pct(f.returnPct), sign(f.returnPct ?? 0)); cell(tr, pct(f.drawdownPct), f.drawdownPct > 0 ? 'neg' : ''); cell(tr, pct(f.maxDrawdownPct)); }
      perf.appendChild(tr);
    }
    const sl = $('sleevepos').tBodies[0];
    sl.replaceChildren();
    for (const o of s.sleeve.positions) { const tr = document.createElement('tr'); cell(tr, o.instrument); cell(tr, String(o.qty)); cell(tr, usd(o.markUsd)); sl.appendChild(tr); }
    if (s.sleeve.positions.length === 0) { const tr = document.createElement('tr'); cell(tr, 'no option held', 'muted'); sl.appendChild(tr); }
    const held = new Map(s.exposure.map((c) => [c.cluster, c.weightPct]));
    const cl = $('clusters');
    cl.replaceChildren(...s.clusters.map((c) => { const li = document.createElement('li'); const w = held.get('cluster ' + c.cluster); li.textContent = 'cluster ' + c.cluster + (w === undefined ? '' : ' (' + w.toFixed(1) + ' %)') + ': ' + c.symbols.join(', '); return li; }));
    if (held.has('unclustered')) { const li = document.createElement('li'); li.textContent = 'unclustered: ' + held.get('unclustered').toFixed(1) + ' %'; cl.appendChild(li); }
    if (typeof uPlot === 'function' && s.equity.ts.length > 0) {
      const x = s.equity.ts.map((t) => Date.parse(t) / 1000);
      const neg = (a) => a.map((v) => (v === null ? null : -v));
      drawChart('chart', 240, [x, s.equity.navUsd, s.equity.btcUsd, s.equity.microCapsUsd], s.benchmark);
      drawChart('ddchart', 180, [x, neg(s.equity.navDrawdownPct), neg(s.equity.btcDrawdownPct), neg(s.equity.microCapsDrawdownPct)], s.benchmark);
    }
  }
  let csrf = null;
  const said = (t) => { $('said').textContent = t; };
  async function control(name, body) {
    if (name === 'flatten' && !confirm(body.symbol ? 'Sell all of ' + body.symbol + '?' : 'Sell every position?')) return;
    const r = await fetch('/api/control/' + name, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(body) });
    const j = await r.json();
    said(r.ok ? name + ': ' + j.queued : name + ': ' + j.error);
    if (r.status === 401) session();
  }
  async function session() {
    const s = await (await fetch('/api/session')).json();
    $('controls').hidden = !s.controls;
    csrf = s.loggedIn ? s.csrf : null;
    $('login').hidden = s.loggedIn;
    $('actions').hidden = !s.loggedIn;
  }
  $('login').addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = await fetch('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: $('token').value }) });
    $('token').value = '';
    said(r.ok ? 'logged in' : (await r.json()).error);
    await session();
  });
  for (const b of document.querySelectorAll('#actions [data-control]')) {
    b.addEventListener('click', () => {
      const name = b.dataset.control;
      if (name === 'lift-halt') { const reason = prompt('Why is it safe to trade again?'); if (reason) control(name, { reason }); }
      else control(name, {});
    });
  }
  $('logout').addEventListener('click', async () => { await fetch('/api/logout', { method: 'POST', headers: { 'x-csrf-token': csrf } }); said('logged out'); await session(); });
  session();
  const events = new EventSource('/api/events');
  events.addEventListener('snapshot', (e) => render(JSON.parse(e.data)));
})();
</script>
</body>
</html>
`;
