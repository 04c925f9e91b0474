// The k-means timeline: one cursor for the scatter, the centroid paths, the objective panel and
// the caption, stepped in the browser (no server round trip per step).
//
// The figure comes from clustering.figures.timeline_figure: frame s (named String(s)) updates
// the scatter's traces and the objective cursor, and carries the step's caption as its layout
// title. This file shows that caption as text above the chart, steps with Plotly.animate, and
// speaks Streamlit's component protocol (v1) by hand: no npm bundle, no CDN.
//
// Keys (on the chart, or anywhere on the page outside a text field): Left/Right step,
// Space or K play/pause, Home/End jump, + and - change the speed, M moves a centre, Escape
// cancels a move.
"use strict";

(function () {
  const root = document.getElementById("root");
  const chart = document.getElementById("chart");
  const captionBox = document.getElementById("caption");
  const hint = document.getElementById("hint");
  const buttons = {
    first: document.getElementById("first"),
    back: document.getElementById("back"),
    play: document.getElementById("play"),
    forward: document.getElementById("forward"),
    last: document.getElementById("last"),
    move: document.getElementById("move"),
  };
  const scrub = document.getElementById("scrub");
  const speed = document.getElementById("speed");

  const state = {
    revision: null, // the figure on screen
    frames: [], // frame objects (data + traces only) in step order
    captions: [], // plain-text captions, one per step
    captionHtml: [], // the figure's own captions (escaped by the figure builder)
    step: 0, // the step being drawn (or drawn)
    shown: 0, // the step whose chart, caption and controls are all on screen
    target: 0,
    steps: 0,
    redraw: false,
    meta: {},
    playing: false,
    timer: null,
    busy: Promise.resolve(),
    moving: null, // null, "pick" or {center: j}
    height: 480,
    fit: false,
    minHeight: 360,
  };

  // Timings for benchmarks/bench_stepping.py: key press -> chart repainted.
  window.timelineStats = [];

  // --- Streamlit's component protocol ------------------------------------------------------

  function send(type, data) {
    window.parent.postMessage(Object.assign({ isStreamlitMessage: true, type: type }, data), "*");
  }

  function setFrameHeight(h) {
    send("streamlit:setFrameHeight", { height: Math.ceil(h) });
  }

  function setValue(value) {
    send("streamlit:setComponentValue", { value: value, dataType: "json" });
  }

  window.addEventListener("message", (event) => {
    if (event.source !== window.parent) return;
    const msg = event.data;
    if (!msg || msg.type !== "streamlit:render") return;
    render(msg.args || {});
  });

  // --- text ----------------------------------------------------------------------------------

  // Captions are plotly text (our words, user text escaped by the figure builder). Shown as
  // text: parsed by an inert DOMParser document, then only its text is used, so nothing in a
  // caption can become live HTML here.
  function plainText(html) {
    const doc = new DOMParser().parseFromString(String(html || ""), "text/html");
    return (doc.body.textContent || "").replace(/\s+/g, " ").trim();
  }

  function showCaption(s) {
    // Bold "Step s of n", the rest plain; built with text nodes, never innerHTML.
    const text = state.captions[s] || "";
    const cut = text.indexOf(" \u00b7 ");
    captionBox.textContent = "";
    const head = document.createElement("b");
    head.textContent = cut >= 0 ? text.slice(0, cut) : text;
    captionBox.appendChild(head);
    if (cut >= 0) captionBox.appendChild(document.createTextNode(text.slice(cut)));
    captionBox.dataset.step = String(s);
  }

  // --- sizes ---------------------------------------------------------------------------------

  function chromeHeight() {
    return captionBox.offsetHeight + document.getElementById("controls").offsetHeight +
      hint.offsetHeight + 4;
  }

  // In presentation mode the timeline takes what is left of the window below its top edge, so
  // chart, controls, caption and objective panel fit one screen without scrolling.
  function fittedHeight() {
    let available = state.height;
    try {
      const frame = window.frameElement;
      const top = frame.getBoundingClientRect().top;
      const scroller = frame.closest('[data-testid="stMain"]') || window.parent.document.scrollingElement;
      const pageTop = top + (scroller ? scroller.scrollTop : 0);
      available = window.parent.innerHeight - pageTop - 12;
    } catch (err) {
      // Not same-origin (should not happen: the app serves this page): keep the given height.
    }
    return Math.max(state.minHeight, Math.min(state.height, available));
  }

  function layoutSize() {
    const total = state.fit ? fittedHeight() : state.height;
    const plotHeight = Math.max(200, total - chromeHeight());
    return { total: total, plot: plotHeight };
  }

  function resize() {
    if (!chart.data) return;
    const size = layoutSize();
    setFrameHeight(size.total);
    Plotly.relayout(chart, { height: size.plot, width: chart.clientWidth || undefined });
  }

  // --- drawing and stepping ----------------------------------------------------------------

  async function render(args) {
    state.fit = Boolean(args.fit);
    state.height = Number(args.height) || 480;
    document.body.classList.toggle("present", Boolean(args.present));
    if (args.revision === state.revision) {
      resize();
      return;
    }
    state.revision = args.revision;
    stop();
    cancelMove();
    const fig = JSON.parse(args.figure);
    const meta = (fig.layout.meta && fig.layout.meta.timeline) || {};
    state.meta = meta;
    state.redraw = Boolean(meta.redraw);
    const frames = fig.frames || [];
    state.captionHtml = frames.map((f) => (f.layout && f.layout.title && f.layout.title.text) || "");
    state.captions = state.captionHtml.map(plainText);
    // Frames step only traces; the caption is drawn here, so plotly never relayouts. Unless
    // the figure needs full redraws anyway (3-D, WebGL, regions), the points are recoloured
    // here too: plotly recomputes every trace of the figure on each animated step, and the
    // points are the bulk of it.
    state.labels = null;
    // Lesson timelines move annotations (arrows, distances) with their frames: keep those.
    const keepLayout = Boolean(meta.layout_frames);
    state.frames = frames.map((f) => {
      const out = { name: f.name, data: f.data, traces: f.traces };
      if (keepLayout && f.layout) {
        out.layout = Object.assign({}, f.layout);
        delete out.layout.title;
      }
      return out;
    });
    if (!state.redraw && meta.colors && frames.length) {
      const at = frames[0].traces.indexOf(meta.points);
      if (at >= 0) {
        state.labels = frames.map((f) => decodeArray(f.data[at].marker.color));
        state.frames = frames.map((f) => ({
          name: f.name,
          data: f.data.filter((_, i) => i !== at),
          traces: f.traces.filter((_, i) => i !== at),
        }));
      }
    }
    state.steps = frames.length;
    document.body.classList.toggle("static", state.steps < 2);
    const layout = Object.assign({}, fig.layout);
    if (state.steps >= 2) {
      // The caption is drawn above the chart; a still figure keeps its own title.
      layout.title = Object.assign({}, layout.title || {}, { text: "" });
      layout.margin = Object.assign({}, layout.margin || {}, { t: 24 });
    }
    layout.autosize = true;
    const start = Math.min(Math.max(Number(meta.start) || 0, 0), Math.max(state.steps - 1, 0));
    if (state.steps >= 2) showCaption(start);
    const size = layoutSize();
    layout.height = size.plot;
    setFrameHeight(size.total);
    const config = Object.assign({ responsive: true }, args.config || {});
    await Plotly.react(chart, { data: fig.data, layout: layout, frames: state.frames, config: config });
    state.symbolPaths = null;
    if (state.labels && meta.symbols) {
      state.symbolPaths = await symbolPaths(meta.symbols, chart._fullData[meta.points].marker.size);
    }
    bindPlotEvents();
    scrub.max = String(Math.max(state.steps - 1, 0));
    buttons.move.hidden = !meta.movable;
    state.step = state.target = state.shown = start;
    updateControls();
    resize();
  }

  function updateControls() {
    const s = state.step;
    const last = state.steps - 1;
    // The slider shows where the queue of steps ends: a press while a step is still being
    // drawn then counts from there, not from the step on screen (which would undo it).
    scrub.value = String(state.target);
    scrub.setAttribute("aria-valuetext", state.captions[s] || "");
    buttons.first.disabled = buttons.back.disabled = s <= 0;
    buttons.forward.disabled = buttons.last.disabled = s >= last;
    buttons.play.textContent = state.playing ? "\u275a\u275a Pause" : "\u25b6 Play";
    buttons.play.setAttribute("aria-label", state.playing ? "Pause" : "Play");
    showCaption(s);
    root.dataset.step = String(s);
    root.dataset.steps = String(state.steps);
  }

  // --- the points, recoloured without plotly ------------------------------------------------

  const TYPED = { i1: Int8Array, u1: Uint8Array, i2: Int16Array, u2: Uint16Array,
                  i4: Int32Array, u4: Uint32Array, f4: Float32Array, f8: Float64Array };

  // A plotly JSON array: a plain list, or a typed array {dtype, bdata} (base64).
  function decodeArray(value) {
    if (!value || Array.isArray(value) || ArrayBuffer.isView(value)) return value;
    const Ctor = TYPED[value.dtype];
    if (!Ctor || typeof value.bdata !== "string") return null;
    const bytes = Uint8Array.from(atob(value.bdata), (c) => c.charCodeAt(0));
    return new Ctor(bytes.buffer);
  }

  // The SVG path of each label's marker symbol at the points' size, drawn once by plotly
  // itself off screen, so the shapes are exactly plotly's.
  async function symbolPaths(names, size) {
    const div = document.createElement("div");
    div.style.cssText = "position:absolute;left:-10000px;top:0;width:400px;height:120px";
    document.body.appendChild(div);
    try {
      await Plotly.newPlot(div, [{
        type: "scatter", mode: "markers", x: names.map((_, i) => i), y: names.map(() => 0),
        marker: { symbol: names, size: size },
      }], { width: 400, height: 120, showlegend: false }, { staticPlot: true });
      return Array.from(div.querySelectorAll("path.point")).map((p) => p.getAttribute("d"));
    } finally {
      Plotly.purge(div);
      div.remove();
    }
  }

  function pointNodes() {
    const trace = chart._fullData && chart._fullData[state.meta.points];
    if (!trace) return [];
    const group = chart.querySelector(".scatterlayer .trace" + CSS.escape(String(trace.uid)));
    return group ? group.querySelectorAll("path.point") : [];
  }

  function paintPoints(s) {
    if (!state.labels || !state.labels[s]) return;
    const labels = state.labels[s];
    const colors = state.meta.colors;
    const paths = state.symbolPaths;
    const nodes = pointNodes();
    const n = Math.min(nodes.length, labels.length);
    for (let i = 0; i < n; i++) {
      const j = labels[i] + 1;
      nodes[i].style.fill = colors[j];
      if (paths) nodes[i].setAttribute("d", paths[j]);
    }
  }

  // Steps are queued: a burst of key presses lands on the last one, in order. ``target`` is
  // where the queue will end, so a press during a repaint counts from there.
  function go(target, started) {
    if (state.steps < 2) return state.busy;
    const s = Math.min(Math.max(target, 0), state.steps - 1);
    state.target = s;
    scrub.value = String(s);
    state.busy = state.busy.then(async () => {
      if (s !== state.step) {
        state.step = s;
        paintPoints(s);
        await Plotly.animate(chart, [String(s)], {
          frame: { duration: 0, redraw: state.redraw },
          transition: { duration: 0 },
          mode: "immediate",
        });
      }
      updateControls();
      state.shown = s;
      if (started !== undefined) {
        // Timed to the first paint after the change (rAF runs before it, the timeout after).
        requestAnimationFrame(() => setTimeout(() => {
          window.timelineStats.push(performance.now() - started);
        }, 0));
      }
    }).catch((err) => console.error(err));
    return state.busy;
  }

  function delay() {
    return Number(speed.value) || 700;
  }

  function tick() {
    if (!state.playing) return;
    if (state.step >= state.steps - 1) {
      stop();
      return;
    }
    go(state.step + 1).then(() => {
      if (state.playing) state.timer = setTimeout(tick, delay());
    });
  }

  function play() {
    if (state.steps < 2) return;
    state.playing = true;
    const begin = state.step >= state.steps - 1 ? go(0) : Promise.resolve();
    updateControls();
    begin.then(() => { state.timer = setTimeout(tick, state.step === 0 ? delay() / 2 : 0); });
  }

  function stop() {
    state.playing = false;
    clearTimeout(state.timer);
    state.timer = null;
    updateControls();
  }

  function toggle() {
    if (state.playing) stop(); else play();
  }

  function changeSpeed(faster) {
    const i = speed.selectedIndex + (faster ? 1 : -1);
    speed.selectedIndex = Math.min(Math.max(i, 0), speed.options.length - 1);
  }

  // --- moving a centre -----------------------------------------------------------------------

  function startMove() {
    if (!state.meta.movable) return;
    stop();
    state.moving = "pick";
    buttons.move.setAttribute("aria-pressed", "true");
    hint.textContent = "Click the centre (X) to move, then click its new place. Escape cancels.";
  }

  function cancelMove() {
    state.moving = null;
    buttons.move.setAttribute("aria-pressed", "false");
    hint.textContent = "";
  }

  // Centroid positions in pixels of the chart, for picking one by a click.
  function centroidPixels() {
    const full = chart._fullLayout;
    const trace = chart._fullData[state.meta.centroids];
    if (!trace) return [];
    const xa = full.xaxis;
    const ya = full.yaxis;
    return Array.from(trace.x, (x, j) => [xa._offset + xa.d2p(x), ya._offset + ya.d2p(trace.y[j])]);
  }

  function bindPlotEvents() {
    if (chart.dataset.bound) return;
    chart.dataset.bound = "1";
    // Plotly redraws the points with the figure's own (first) colours: put the step's back.
    chart.on("plotly_afterplot", () => paintPoints(state.step));
    // Both clicks of a move are read here, from the pixel: the first picks the nearest centre
    // (within reach), the second is where it goes, anywhere in the plot area.
    chart.addEventListener("click", (event) => {
      if (!state.moving) return;
      const full = chart._fullLayout;
      const xa = full.xaxis;
      const ya = full.yaxis;
      const box = chart.getBoundingClientRect();
      const cx = event.clientX - box.left;
      const cy = event.clientY - box.top;
      const px = cx - xa._offset;
      const py = cy - ya._offset;
      if (px < 0 || py < 0 || px > xa._length || py > ya._length) return;
      event.stopPropagation();
      if (state.moving === "pick") {
        let best = -1;
        let bestDistance = 40; // px: a generous target on a projector
        centroidPixels().forEach(([x, y], j) => {
          const dist = Math.hypot(x - cx, y - cy);
          if (dist < bestDistance) { bestDistance = dist; best = j; }
        });
        if (best < 0) {
          hint.textContent = "No centre there: click on a centre (X). Escape cancels.";
          return;
        }
        state.moving = { center: best };
        hint.textContent = "Now click where centre " + best + " should go.";
        return;
      }
      const x = xa.p2d(px);
      const y = ya.p2d(py);
      const j = state.moving.center;
      // Show the drop at once; the server sends the continued run.
      const trace = chart._fullData[state.meta.centroids];  // arrays decoded by plotly
      const xs = Array.from(trace.x);
      const ys = Array.from(trace.y);
      xs[j] = x;
      ys[j] = y;
      Plotly.restyle(chart, { x: [xs], y: [ys] }, [state.meta.centroids]);
      hint.textContent = "Centre " + j + " moved: running k-means on from step " + state.step + "\u2026";
      setValue({ type: "move", step: state.step, center: j, x: x, y: y, nonce: Date.now() });
      state.moving = null;
      buttons.move.setAttribute("aria-pressed", "false");
    }, true);
  }

  // --- keyboard and buttons ------------------------------------------------------------------

  function onKey(event, started) {
    if (event.altKey || event.ctrlKey || event.metaKey) return false;
    switch (event.key) {
      case "ArrowRight": stop(); go(state.target + 1, started); break;
      case "ArrowLeft": stop(); go(state.target - 1, started); break;
      case "Home": stop(); go(0, started); break;
      case "End": stop(); go(state.steps - 1, started); break;
      case " ": case "k": case "K": toggle(); break;
      case "+": case "=": changeSpeed(true); break;
      case "-": case "_": changeSpeed(false); break;
      case "m": case "M": startMove(); break;
      case "Escape": cancelMove(); break;
      default: return false;
    }
    event.preventDefault();
    return true;
  }

  root.addEventListener("keydown", (event) => {
    if (event.target === scrub && (event.key === "ArrowLeft" || event.key === "ArrowRight")) {
      return; // the slider moves itself and reports through "input"
    }
    if (event.target.tagName === "SELECT") return;
    onKey(event, event.timeStamp);
  });

  // Keys pressed on the page itself (nothing focused, or a button) also drive the timeline
  // that is most in view, so a teacher can step without clicking into the chart first.
  let parentListener = null;
  function listenOnPage() {
    try {
      const doc = window.parent.document;
      const registry = (window.parent.__clusterTimelines = window.parent.__clusterTimelines || new Set());
      registry.add(window);
      parentListener = (event) => {
        const t = event.target;
        if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON|A)$/.test(t.tagName) ||
                  t.closest('[role="listbox"], [role="combobox"], [role="slider"]'))) return;
        if (mostVisible(registry) !== window) return;
        const now = performance.now();
        onKey(event, now);
      };
      doc.addEventListener("keydown", parentListener);
      window.addEventListener("pagehide", () => {
        doc.removeEventListener("keydown", parentListener);
        registry.delete(window);
      });
    } catch (err) {
      // Another origin: keys work once the chart has focus.
    }
  }

  function mostVisible(registry) {
    let best = null;
    let bestArea = 0;
    const height = window.parent.innerHeight;
    for (const win of registry) {
      let frame;
      try { frame = win.frameElement; } catch (err) { continue; }
      if (!frame || !frame.isConnected) { registry.delete(win); continue; }
      const r = frame.getBoundingClientRect();
      const visible = Math.max(0, Math.min(r.bottom, height) - Math.max(r.top, 0)) * r.width;
      if (visible > bestArea) { bestArea = visible; best = win; }
    }
    return best;
  }

  buttons.first.addEventListener("click", () => { stop(); go(0, performance.now()); });
  buttons.back.addEventListener("click", () => { stop(); go(state.target - 1, performance.now()); });
  buttons.forward.addEventListener("click", () => { stop(); go(state.target + 1, performance.now()); });
  buttons.last.addEventListener("click", () => { stop(); go(state.steps - 1, performance.now()); });
  buttons.play.addEventListener("click", toggle);
  buttons.move.addEventListener("click", () => (state.moving ? cancelMove() : startMove()));
  scrub.addEventListener("input", () => {
    const wanted = Number(scrub.value); // read first: stop() redraws the controls
    stop();
    go(wanted, performance.now());
  });
  chart.addEventListener("mousedown", () => root.focus({ preventScroll: true }));

  let resizeTimer = null;
  function onResize() {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(resize, 60);
  }
  window.addEventListener("resize", onResize);
  try { window.parent.addEventListener("resize", onResize); } catch (err) { /* cross-origin */ }

  // For tests and benchmarks: the cursor as the page sees it.
  window.timeline = {
    go: (s) => go(s, performance.now()),
    step: () => state.shown,
    steps: () => state.steps,
    caption: () => state.captions[state.shown] || "",
  };

  listenOnPage();
  send("streamlit:componentReady", { apiVersion: 1 });
})();
