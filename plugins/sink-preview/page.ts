/**
 * The preview page: the live before|after picture (`/stream.mjpg`, which browsers show natively)
 * with a label on each side, and the counters from `/events`, redrawn as they come. Dark, one
 * file, no script from elsewhere (the machine may have no network, the footage is evidence).
 */
export function previewPage(node: string): string {
  const title = `kind-pipe preview · ${escapeHtml(node)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>
  :root { color-scheme: dark; --bg: #0d1117; --panel: #161b22; --line: #30363d; --text: #e6edf3; --dim: #8b949e; --live: #3fb950; --warn: #d29922; --bad: #f85149; }
  * { box-sizing: border-box; }
  body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
  header { display: flex; align-items: center; gap: 12px; padding: 10px 18px; border-bottom: 1px solid var(--line); background: var(--panel); }
  header h1 { font-size: 15px; font-weight: 600; margin: 0; }
  header .node { color: var(--dim); font-family: ui-monospace, monospace; }
  #state { margin-left: auto; display: inline-flex; align-items: center; gap: 6px; padding: 2px 10px; border-radius: 999px; border: 1px solid var(--line); font-size: 12px; font-weight: 600; letter-spacing: .04em; text-transform: uppercase; }
  #state::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: var(--dim); }
  #state[data-state="live"] { color: var(--live); border-color: var(--live); }
  #state[data-state="live"]::before { background: var(--live); animation: pulse 1.2s infinite; }
  #state[data-state="ended"] { color: var(--text); }
  #state[data-state="lost"], #state[data-state="failed"] { color: var(--bad); border-color: var(--bad); }
  #state[data-state="lost"]::before, #state[data-state="failed"]::before { background: var(--bad); }
  @keyframes pulse { 50% { opacity: .3; } }
  main { padding: 16px 18px; }
  .frame { position: relative; width: min(100%, calc(66vh * var(--aspect, 3.6))); background: #000; border: 1px solid var(--line); border-radius: 6px; overflow: hidden; line-height: 0; }
  .frame img { display: block; width: 100%; height: auto; aspect-ratio: var(--aspect, 3.6); }
  .tag { position: absolute; top: 8px; padding: 2px 8px; border-radius: 4px; background: rgba(13,17,23,.78); border: 1px solid var(--line); font: 600 12px/1.5 system-ui, sans-serif; letter-spacing: .05em; text-transform: uppercase; }
  .tag small { color: var(--dim); font-weight: 400; text-transform: none; letter-spacing: 0; margin-left: 6px; }
  #banner { margin: 12px 0 0; padding: 10px 14px; border-radius: 6px; border: 1px solid var(--line); background: var(--panel); }
  #banner[hidden] { display: none; }
  #banner strong { font-size: 15px; }
  #banner.failed { border-color: var(--bad); color: var(--bad); }
  h2 { font-size: 12px; font-weight: 600; color: var(--dim); text-transform: uppercase; letter-spacing: .06em; margin: 18px 0 8px; }
  .counters { display: grid; grid-template-columns: repeat(auto-fill, minmax(130px, 1fr)); gap: 8px; max-width: 1100px; }
  .counter { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
  .counter .label { color: var(--dim); font-size: 12px; }
  .counter .value { font: 600 20px/1.3 ui-monospace, SFMono-Regular, Menlo, monospace; font-variant-numeric: tabular-nums; }
  .counter.alert .value { color: var(--warn); }
  footer { color: var(--dim); font-size: 12px; margin-top: 16px; }
  footer a { color: var(--dim); }
</style>
</head>
<body>
<header>
  <h1>kind-pipe · live preview</h1><span class="node">${escapeHtml(node)}</span>
  <span id="state" data-state="waiting">waiting for frames</span>
</header>
<main>
  <div class="frame" id="frame">
    <img id="picture" src="/stream.mjpg" alt="before | after">
    <span class="tag" id="tag-before" style="left: 8px">before<small></small></span>
    <span class="tag" id="tag-after" style="left: 50%">after<small></small></span>
  </div>
  <div id="banner" hidden></div>
  <h2>preview</h2>
  <div class="counters" id="preview-counters"></div>
  <h2>run</h2>
  <div class="counters" id="run-counters"><div class="counter"><div class="label">no report yet</div><div class="value">–</div></div></div>
  <footer><a href="/snapshot.jpg">snapshot.jpg</a> · <a href="/stats.json">stats.json</a> · <a href="/stream.mjpg">stream.mjpg</a> (VLC, ffplay)</footer>
</main>
<script>
"use strict";
const previewFields = [
  ["framesIn", "frames in"], ["shown", "shown"], ["skipped", "skipped"], ["fps", "fps in"],
  ["viewers", "viewers"], ["dropped", "dropped (slow viewers)"], ["elapsedS", "elapsed (s)"],
];
const runLabels = { frames: "written (all sinks)", total: "expected", fps: "run fps", elapsedS: "elapsed (s)" };
const $ = (id) => document.getElementById(id);
let ended = false;

function format(value) {
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1);
  if (value === null || value === undefined) return "–";
  return String(value);
}
function words(key) {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[_.]/g, " ").toLowerCase();
}
function flatten(object, prefix, out) {
  for (const [key, value] of Object.entries(object || {})) {
    const name = prefix ? prefix + "." + key : key;
    if (value && typeof value === "object" && !Array.isArray(value)) flatten(value, name, out);
    else out.push([name, value]);
  }
  return out;
}
function counter(key, label, value, alert) {
  const box = document.createElement("div");
  box.className = "counter" + (alert ? " alert" : "");
  box.dataset.counter = key;
  const l = document.createElement("div"); l.className = "label"; l.textContent = label;
  const v = document.createElement("div"); v.className = "value"; v.textContent = format(value);
  box.append(l, v);
  return box;
}
function setState(state, text) {
  $("state").dataset.state = state;
  $("state").textContent = text;
}
function render(stats) {
  $("preview-counters").replaceChildren(...previewFields.map(([key, label]) => counter(key, label, stats[key], key === "dropped" && stats[key] > 0)));
  const run = flatten(stats.run, "", []);
  if (run.length) $("run-counters").replaceChildren(...run.map(([key, value]) => counter("run." + key, runLabels[key] || words(key), value, /drop|lost|error|passthrough/i.test(key) && value > 0)));
  const layout = stats.layout;
  if (layout) {
    $("frame").style.setProperty("--aspect", layout.width / layout.height);
    $("tag-after").style.left = "calc(" + (100 * (layout.left + layout.gap) / layout.width) + "% + 8px)";
    $("tag-before").querySelector("small").textContent = stats.sizes.before;
    $("tag-after").querySelector("small").textContent = stats.sizes.after;
  }
  if (stats.error) {
    $("banner").hidden = false; $("banner").className = "failed"; $("banner").textContent = "preview encoder failed: " + stats.error;
    setState("failed", "preview failed");
  } else if (!ended) {
    setState(stats.state, stats.state === "live" ? "live" : "waiting for frames");
  }
}
const events = new EventSource("/events");
events.addEventListener("stats", (e) => render(JSON.parse(e.data)));
events.addEventListener("end", (e) => {
  const stats = JSON.parse(e.data);
  ended = true;
  events.close();
  render(stats);
  const what = stats.state === "stopped" ? "stream stopped" : "stream ended";
  setState("ended", what);
  const banner = $("banner");
  banner.hidden = false;
  banner.innerHTML = "<strong></strong> · ";
  banner.firstChild.textContent = what;
  banner.append(stats.framesIn + " frames in, " + stats.shown + " shown" + (stats.lingerS > 0 ? " · this page stays up for " + stats.lingerS + " s" : ""));
  // The last picture as a still, so it stays when the stream's connection goes (if the server is still up).
  if (stats.shown > 0) {
    fetch("/snapshot.jpg").then((r) => (r.ok ? r.blob() : undefined)).then((b) => b && ($("picture").src = URL.createObjectURL(b)), () => undefined);
  }
});
events.onerror = () => {
  if (!ended) setState("lost", "connection lost");
};
</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
