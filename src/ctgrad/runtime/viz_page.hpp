#pragma once
// The VIZ page: what the recorder (viz.hpp) collected, as one self-contained HTML file. The data goes in as JSON inside
// a <script> element and the page's own JavaScript lays out and draws each graph as SVG: no server, no network, no
// external library. The JSON is written here by hand (a few escapes) because this header is on every program's path
// while nlohmann-json belongs to the io dependency only.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace ctgrad::rt::viz {

// One UOp (or program instruction) of a graph. `src` are positions in Graph::nodes, always earlier ones.
struct Node {
  std::string op, dtype, shape, arg;
  std::vector<int> src;
  int omitted_srcs = 0;   // sources left out by the node cap
  bool realized = false;  // computed by an earlier kernel: drawn as a leaf
};
struct Graph {
  std::vector<Node> nodes;  // sources first; at most the cap, the ones nearest the outputs
  std::size_t total = 0;    // nodes reachable in all
};
struct Stage {
  std::string name;
  Graph graph;
};
// A distinct kernel (device and program name), with the totals of all its launches.
struct KernelRecord {
  std::string name, device, out_shape, source;
  std::vector<std::string> opts;  // the optimizer's notes (DEBUG=3)
  std::vector<Stage> stages;      // fused graph, kernel AST, linearized program
  std::int64_t bytes = 0, flops = 0, runs = 0;
  double seconds = 0;
};
struct Launch {
  std::size_t kernel;
  double seconds;
};
struct RealizeRecord {
  std::size_t graph;  // in Recording::graphs (equal graphs, as in a training loop, are stored once)
  std::size_t outputs;
  std::vector<Launch> launches;
  double seconds = 0;
};
struct Recording {
  std::vector<Graph> graphs;
  std::vector<KernelRecord> kernels;
  std::vector<RealizeRecord> realizes;
  std::size_t unrecorded_realizes = 0;  // past the recorder's limit: counted in the kernel totals only
  std::size_t node_cap = 0;
};

// A JSON string literal that is also safe inside <script>: '<', '>' and '&' are escaped, so "</script>" in a
// kernel's source cannot end the element.
inline void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7f) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", c);
      out += esc;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}
inline void append_json_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  out += buf;
}

namespace detail {

// A graph as {"total": N, "nodes": [[op, dtype, shape, arg, [src...], omitted, realized], ...]}.
inline void append_graph(std::string& out, const Graph& g) {
  out += "{\"total\":" + std::to_string(g.total) + ",\"nodes\":[";
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    out += i ? ",[" : "[";
    for (const std::string* field : {&n.op, &n.dtype, &n.shape, &n.arg}) {
      append_json_string(out, *field);
      out += ',';
    }
    out += '[';
    for (std::size_t s = 0; s < n.src.size(); ++s) out += (s ? "," : "") + std::to_string(n.src[s]);
    out += "]," + std::to_string(n.omitted_srcs) + (n.realized ? ",1]" : ",0]");
  }
  out += "]}";
}

inline std::string recording_json(const Recording& r) {
  std::string out = "{\"cap\":" + std::to_string(r.node_cap) + ",\"unrecorded\":" + std::to_string(r.unrecorded_realizes) + ",\"graphs\":[";
  for (std::size_t i = 0; i < r.graphs.size(); ++i) {
    if (i) out += ',';
    append_graph(out, r.graphs[i]);
  }
  out += "],\"kernels\":[";
  for (std::size_t i = 0; i < r.kernels.size(); ++i) {
    const KernelRecord& k = r.kernels[i];
    out += i ? ",{" : "{";
    for (auto [key, value] : {std::pair{"name", &k.name}, {"device", &k.device}, {"shape", &k.out_shape}, {"source", &k.source}}) {
      out += std::string("\"") + key + "\":";
      append_json_string(out, *value);
      out += ',';
    }
    out += "\"opts\":[";
    for (std::size_t o = 0; o < k.opts.size(); ++o) {
      if (o) out += ',';
      append_json_string(out, k.opts[o]);
    }
    out += "],\"bytes\":" + std::to_string(k.bytes) + ",\"flops\":" + std::to_string(k.flops) + ",\"runs\":" + std::to_string(k.runs) + ",\"ms\":";
    append_json_number(out, k.seconds * 1e3);
    out += ",\"stages\":[";
    for (std::size_t s = 0; s < k.stages.size(); ++s) {
      out += s ? ",{\"name\":" : "{\"name\":";
      append_json_string(out, k.stages[s].name);
      out += ",\"graph\":";
      append_graph(out, k.stages[s].graph);
      out += '}';
    }
    out += "]}";
  }
  out += "],\"realizes\":[";
  for (std::size_t i = 0; i < r.realizes.size(); ++i) {
    const RealizeRecord& rr = r.realizes[i];
    out += (i ? ",{\"graph\":" : "{\"graph\":") + std::to_string(rr.graph) + ",\"outputs\":" + std::to_string(rr.outputs) + ",\"ms\":";
    append_json_number(out, rr.seconds * 1e3);
    out += ",\"launches\":[";
    for (std::size_t l = 0; l < rr.launches.size(); ++l) {
      out += (l ? ",[" : "[") + std::to_string(rr.launches[l].kernel) + ',';
      append_json_number(out, rr.launches[l].seconds * 1e3);
      out += ']';
    }
    out += "]}";
  }
  return out + "]}";
}

inline constexpr std::string_view kPageStyle = R"VIZ(
* { box-sizing: border-box; }
body { margin: 0; font: 13px system-ui, sans-serif; color: #222; background: #fafafa; height: 100vh; overflow: hidden;
       display: grid; grid-template-columns: 280px 1fr 440px; }
#list, #details { overflow: auto; padding: 8px; background: #fff; }
#list { border-right: 1px solid #ddd; }
#details { border-left: 1px solid #ddd; }
#middle { display: flex; flex-direction: column; min-width: 0; }
#tabs { padding: 6px 8px; border-bottom: 1px solid #ddd; background: #fff; min-height: 34px; }
#tabs button { margin-right: 4px; border: 1px solid #bbb; background: #f4f4f4; border-radius: 3px; padding: 3px 8px; cursor: pointer; }
#tabs button.on { background: #2b6cb0; color: #fff; border-color: #2b6cb0; }
#note { padding: 2px 8px; color: #a33; min-height: 18px; font-size: 12px; }
#graph { flex: 1 1 0; min-height: 0; width: 100%; cursor: grab; }  /* never taller than the panel */
h2 { font-size: 14px; margin: 10px 0 4px; }
.item { padding: 3px 6px; cursor: pointer; border-radius: 3px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.item:hover { background: #eef3fa; }
.item.on { background: #2b6cb0; color: #fff; }
.kernel { padding-left: 20px; font-family: monospace; font-size: 12px; }
.muted { color: #777; }
pre { background: #f6f6f6; border: 1px solid #e3e3e3; padding: 6px; overflow: auto; font-size: 11px; }
table { border-collapse: collapse; }
td { padding: 1px 8px 1px 0; vertical-align: top; }
.node text { font: 11px monospace; pointer-events: none; }
.node rect { stroke: #555; stroke-width: 1; }
.node.realized rect { stroke-dasharray: 4 2; }
.node.picked rect { stroke: #d00; stroke-width: 3; }
.edge { fill: none; stroke: #999; stroke-width: 1.2; }
)VIZ";

inline constexpr std::string_view kPageScript = R"VIZ(
'use strict';
const D = JSON.parse(document.getElementById('viz-data').textContent);
const NS = 'http://www.w3.org/2000/svg';
const NODE_W = 170, NODE_H = 34, GAP_X = 24, GAP_Y = 46;
const $ = (id) => document.getElementById(id);
function html(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  return e;
}
function svg(tag, attrs) {
  const e = document.createElementNS(NS, tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  return e;
}
const fmtMs = (ms) => ms === null ? '?' : ms.toFixed(3) + ' ms';
const per = (amount, ms, unit) => ms > 0 ? (amount / (ms * 1e-3) * 1e-9).toFixed(2) + ' ' + unit : '-';

function colour(op) {
  if (op === 'Buffer' || op === 'Load' || op === 'Param') return '#9ecae1';
  if (op === 'Const') return '#dddddd';
  if (op === 'View' || op === 'Detach') return '#fdd49e';
  if (op === 'Reduce' || op === 'Acc' || op === 'DefAcc' || op === 'AccStore') return '#fc9272';
  if (op === 'Store') return '#bcbddc';
  if (op === 'Special' || op === 'Range' || op === 'EndRange' || op === 'GlobalIdx') return '#fdae6b';
  return '#a1d99b';
}
const clip = (s, n) => s.length > n ? s.slice(0, n - 1) + '\u2026' : s;

// Layers: a node sits one layer above its highest user, so the outputs are at the bottom and each input just
// above its first use. Inside a layer, a few sweeps order nodes by the mean position of their neighbours.
function layout(g) {
  const n = g.nodes.length, layer = new Array(n).fill(0), users = Array.from({length: n}, () => []);
  g.nodes.forEach((nd, i) => nd[4].forEach((s) => users[s].push(i)));
  for (let i = n - 1; i >= 0; --i) for (const u of users[i]) layer[i] = Math.max(layer[i], layer[u] + 1);
  const depth = n ? Math.max(...layer) : 0, rows = Array.from({length: depth + 1}, () => []);
  for (let i = 0; i < n; ++i) rows[depth - layer[i]].push(i);
  const pos = new Array(n).fill(0);
  const place = () => rows.forEach((row) => row.forEach((v, k) => { pos[v] = k - row.length / 2; }));
  place();
  const mean = (xs, own) => xs.length ? xs.reduce((a, v) => a + pos[v], 0) / xs.length : own;
  for (let sweep = 0; sweep < 4; ++sweep) {
    const order = sweep % 2 ? rows.slice().reverse() : rows;
    for (const row of order) {
      const key = new Map(row.map((v) => [v, mean(sweep % 2 ? users[v] : g.nodes[v][4], pos[v])]));
      row.sort((a, b) => key.get(a) - key.get(b));
      row.forEach((v, k) => { pos[v] = k - row.length / 2; });
    }
  }
  const widest = Math.max(1, ...rows.map((r) => r.length)), xy = new Array(n);
  rows.forEach((row, r) => row.forEach((v, k) => {
    xy[v] = [(k + (widest - row.length) / 2) * (NODE_W + GAP_X) + GAP_X, r * (NODE_H + GAP_Y) + GAP_Y];
  }));
  return {xy, width: widest * (NODE_W + GAP_X) + GAP_X, height: rows.length * (NODE_H + GAP_Y) + GAP_Y};
}

let view = null;  // the graph's viewBox, changed by wheel zoom and drag
function setView(v) {
  view = v;
  $('graph').setAttribute('viewBox', v.join(' '));
}
function drawGraph(g, onPick) {
  const root = $('graph');
  root.replaceChildren();
  const shown = g.nodes.length, omitted = g.nodes.reduce((a, nd) => a + nd[5], 0);
  $('note').textContent = shown < g.total ? `showing ${shown} of ${g.total} nodes (the ${shown} nearest the output;` +
    ` ${omitted} edges to nodes left out, marked +n): the page draws at most ${D.cap} nodes per graph. Wheel: zoom, drag: pan` :
    'wheel: zoom, drag: pan, click a node: its details';
  if (!shown) {
    $('note').textContent = 'this graph has no nodes';
    return;
  }
  const {xy, width, height} = layout(g);
  const edges = svg('g', {}), nodes = svg('g', {});
  root.append(edges, nodes);
  g.nodes.forEach((nd, i) => {
    const [x, y] = xy[i];
    for (const s of nd[4]) {
      const [sx, sy] = xy[s], x0 = sx + NODE_W / 2, y0 = sy + NODE_H, x1 = x + NODE_W / 2, dy = Math.max(20, (y - y0) / 2);
      edges.appendChild(svg('path', {class: 'edge', d: `M${x0},${y0} C${x0},${y0 + dy} ${x1},${y - dy} ${x1},${y}`}));
    }
    const box = svg('g', {class: 'node' + (nd[6] ? ' realized' : ''), transform: `translate(${x},${y})`});
    box.appendChild(svg('rect', {width: NODE_W, height: NODE_H, rx: 4, fill: nd[6] ? '#cfcfcf' : colour(nd[0])}));
    const line1 = svg('text', {x: 5, y: 14}), line2 = svg('text', {x: 5, y: 28});
    line1.textContent = clip(`%${i} ${nd[0]} ${nd[1]}`, 26);
    line2.textContent = clip(`${nd[2]} ${nd[3]}`, 26);
    const title = svg('title', {});
    title.textContent = `%${i} ${nd[0]} ${nd[1]} ${nd[2]} ${nd[3]}`;
    box.append(title, line1, line2);
    if (nd[5]) {
      const more = svg('text', {x: NODE_W - 28, y: -4});
      more.textContent = '+' + nd[5];
      box.appendChild(more);
    }
    box.addEventListener('click', (ev) => {
      ev.stopPropagation();
      root.querySelectorAll('.picked').forEach((e) => e.classList.remove('picked'));
      box.classList.add('picked');
      onPick(i, nd);
    });
    nodes.appendChild(box);
  });
  // a graph too big to read when fitted opens at readable size on its output (the wheel zooms out)
  const box = root.getBoundingClientRect(), pw = box.width || 480, ph = box.height || 700, fit = Math.max(width / pw, height / ph);
  const out = xy[shown - 1], w = pw * 2.5, h = ph * 2.5;
  setView(fit <= 2.5 ? [0, 0, width, height] : [out[0] + NODE_W / 2 - w / 2, Math.max(0, height - h), w, h]);
}

function listing(g) {
  return g.nodes.map((nd, i) => `%${i} = ${nd[0]} ${nd[1]} ${nd[2]}` + nd[4].map((s) => ' %' + s).join('') +
    (nd[3] ? '  ' + nd[3] : '') + (nd[5] ? `  (+${nd[5]} sources not shown)` : '') + (nd[6] ? '  (realized)' : '')).join('\n');
}
function nodeBox(i, nd) {
  const box = $('picked');
  box.replaceChildren(html('h2', {}, `node %${i}`));
  const t = html('table', {});
  [['op', nd[0]], ['dtype', nd[1]], ['shape', nd[2]], ['arg', nd[3]], ['sources', nd[4].map((s) => '%' + s).join(' ') || '-']]
    .forEach(([k, v]) => { const tr = html('tr', {}); tr.append(html('td', {class: 'muted'}, k), html('td', {}, v)); t.appendChild(tr); });
  box.appendChild(t);
}
function table(rows) {
  const t = html('table', {});
  for (const [k, v] of rows) {
    const tr = html('tr', {});
    tr.append(html('td', {class: 'muted'}, k), html('td', {}, String(v)));
    t.appendChild(tr);
  }
  return t;
}
function showTabs(names, active, onTab) {
  const tabs = $('tabs');
  tabs.replaceChildren();
  names.forEach((name, i) => {
    const b = html('button', {class: i === active ? 'on' : ''}, name);
    b.onclick = () => onTab(i);
    tabs.appendChild(b);
  });
}

let picked = null;
function pick(item) {
  if (picked) picked.classList.remove('on');
  picked = item;
  item.classList.add('on');
}
function selectRealize(i, item) {
  pick(item);
  const r = D.realizes[i], g = D.graphs[r.graph], det = $('details');
  showTabs(['graph of realize ' + i], 0, () => {});
  det.replaceChildren(html('h2', {}, 'realize ' + i), html('div', {id: 'picked'}),
    table([['outputs', r.outputs], ['kernels', r.launches.length], ['wall time', fmtMs(r.ms)], ['graph nodes', g.total]]));
  const k = html('table', {});
  r.launches.forEach(([kernel, ms]) => {
    const tr = html('tr', {});
    tr.append(html('td', {}, D.kernels[kernel].name), html('td', {}, D.kernels[kernel].device), html('td', {}, fmtMs(ms)));
    k.appendChild(tr);
  });
  det.append(html('h2', {}, 'kernels'), k, html('h2', {}, 'UOps'), html('pre', {}, listing(g)));
  drawGraph(g, nodeBox);
}
function selectKernel(k, item, stage) {
  pick(item);
  const K = D.kernels[k], det = $('details'), mean = K.runs ? K.ms / K.runs : 0;
  showTabs(K.stages.map((s) => s.name), stage, (s) => selectKernel(k, item, s));
  det.replaceChildren(html('h2', {}, K.name), html('div', {id: 'picked'}),
    table([['device', K.device], ['output', K.shape], ['runs', K.runs], ['time', fmtMs(K.ms) + ' in all, ' + fmtMs(mean) + ' each'],
           ['memory', K.bytes + ' bytes, ' + per(K.bytes, mean, 'GB/s')], ['compute', K.flops + ' flops, ' + per(K.flops, mean, 'GFLOP/s')]]));
  det.append(html('h2', {}, 'optimizer'), html('pre', {}, K.opts.length ? K.opts.join('\n') : 'no actions'),
    html('h2', {}, 'source'), html('pre', {class: 'source'}, K.source),
    html('h2', {}, K.stages[stage].name), html('pre', {}, listing(K.stages[stage].graph)));
  drawGraph(K.stages[stage].graph, nodeBox);
}

// The view to open: page.html#kernel=K&stage=S or #realize=R picks one, else the first realize.
function buildList() {
  const list = $('list'), kernelItems = [], realizeItems = [];
  list.appendChild(html('h2', {}, `ctgrad VIZ: ${D.realizes.length} realizes, ${D.kernels.length} kernels`));
  D.realizes.forEach((r, i) => {
    const item = html('div', {class: 'item'}, `realize ${i}: ${r.launches.length} kernel${r.launches.length === 1 ? '' : 's'}, ${fmtMs(r.ms)}`);
    item.onclick = () => selectRealize(i, item);
    list.appendChild(item);
    realizeItems.push(item);
    r.launches.forEach(([k, ms]) => {
      const K = D.kernels[k], ki = html('div', {class: 'item kernel', title: K.name}, `${K.name} ${K.device} ${fmtMs(ms)}`);
      ki.onclick = () => selectKernel(k, ki, 0);
      list.appendChild(ki);
    });
  });
  if (D.unrecorded) list.appendChild(html('div', {class: 'muted'}, `${D.unrecorded} later realizes not recorded (kernel totals include them)`));
  list.appendChild(html('h2', {}, 'kernels by total time'));
  D.kernels.map((K, k) => k).sort((a, b) => D.kernels[b].ms - D.kernels[a].ms).forEach((k) => {
    const K = D.kernels[k], item = html('div', {class: 'item kernel', title: K.name}, `${K.name} ${K.device} ${K.runs}x ${fmtMs(K.ms)}`);
    item.onclick = () => selectKernel(k, item, 0);
    list.appendChild(item);
    kernelItems[k] = item;
  });
  const want = new URLSearchParams(location.hash.slice(1)), k = Number(want.get('kernel')), r = Number(want.get('realize'));
  const s = Number(want.get('stage') || 0);
  if (want.has('kernel') && kernelItems[k] && s >= 0 && s < D.kernels[k].stages.length) selectKernel(k, kernelItems[k], s);
  else if (want.has('realize') && realizeItems[r]) selectRealize(r, realizeItems[r]);
  else if (realizeItems.length) selectRealize(0, realizeItems[0]);
  else $('note').textContent = 'nothing was realized while VIZ was on';
}

// Wheel zooms around the pointer, dragging pans.
function interact() {
  const g = $('graph');
  g.addEventListener('wheel', (ev) => {
    if (!view) return;
    ev.preventDefault();
    const r = g.getBoundingClientRect(), f = ev.deltaY > 0 ? 1.15 : 1 / 1.15;
    const s = Math.max(view[2] / r.width, view[3] / r.height);
    const px = view[0] + (ev.clientX - r.left) * s, py = view[1] + (ev.clientY - r.top) * s;
    setView([px - (px - view[0]) * f, py - (py - view[1]) * f, view[2] * f, view[3] * f]);
  }, {passive: false});
  let drag = null;
  g.addEventListener('mousedown', (ev) => { drag = [ev.clientX, ev.clientY, view && view.slice()]; });
  window.addEventListener('mouseup', () => { drag = null; });
  window.addEventListener('mousemove', (ev) => {
    if (!drag || !drag[2]) return;
    const r = g.getBoundingClientRect(), s = Math.max(drag[2][2] / r.width, drag[2][3] / r.height);
    setView([drag[2][0] - (ev.clientX - drag[0]) * s, drag[2][1] - (ev.clientY - drag[1]) * s, drag[2][2], drag[2][3]]);
  });
}
buildList();
interact();
)VIZ";

}  // namespace detail

// The whole page for `r`.
inline std::string render_page(const Recording& r) {
  std::string page = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>ctgrad VIZ</title>\n<style>";
  page += detail::kPageStyle;
  page += "</style></head>\n<body>\n<div id=\"list\"></div>\n<div id=\"middle\"><div id=\"tabs\"></div><div id=\"note\"></div>"
          "<svg id=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" preserveAspectRatio=\"xMidYMin meet\"></svg></div>\n"
          "<div id=\"details\"></div>\n<script id=\"viz-data\" type=\"application/json\">";
  page += detail::recording_json(r);
  page += "</script>\n<script>";
  page += detail::kPageScript;
  return page + "</script>\n</body></html>\n";
}

}  // namespace ctgrad::rt::viz
