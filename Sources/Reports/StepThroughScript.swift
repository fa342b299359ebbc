/// The step-through's behaviour: vanilla JavaScript, inline, no network, no framework. It reads
/// each widget's embedded JSON (base64 little-endian typed arrays, as every browser's platform
/// is) and redraws the panel, the graph highlight, the equation and the chart marker per step.
enum StepThroughScript {
    static let js = #"""
(function () {
  "use strict";
  var L = {
    en: { speed: "speed", forward: "forward pass", backward: "backward pass", unit: "unit",
      keys: "Keys: → next step of this pass (backward: t − 1) · ← previous · space play / pause · Home / End first / last · f / b forward / backward pass at the same step · click a node to go to its step",
      step: "step", of: "of", x: "input x_t", y: "output y_t", lossTerm: "loss term at this step", loss: "loss L",
      h: "hidden state h_t", c: "cell state c_t", a: "pre-activation a_t", dh: "dL/dh_t", dc: "dL/dc_t",
      reach: "‖dL/dh_t‖ / ‖dL/dh_T‖ (how much of the gradient reaches this step)", jac: "‖∂h_T/∂h_t‖",
      topk: "softmax p(y_t), most probable:", target: "· the loss wants", cls: "class",
      handOver: "h_S goes on as the decoder's initial state h₀", handBack: "the decoder hands dL/dh₀ back here: the encoder's backward pass starts at t = S",
      norm: "norm", initial: "initial state", eq: "For unit", play: "play", pause: "pause", none: "—",
      eqMissing: "This recording is long: the equation's numbers are on the page for units %s only (pick units with unit:).",
      linScale: "Bars: one scale for the whole backward pass (full bar = %s), so a gradient that shrinks looks smaller.",
      logScale: "Bars: log magnitude on one scale for the whole backward pass (full bar = %s; each tenth of a bar is a factor of 10 less), so a gradient that shrinks looks shorter." },
    ko: { speed: "속도", forward: "순전파", backward: "역전파", unit: "유닛",
      keys: "단축키: → 이 패스의 다음 시점 (역전파: t − 1) · ← 이전 · 스페이스 재생 / 멈춤 · Home / End 처음 / 끝 · f / b 같은 시점에서 순전파 / 역전파 · 노드를 누르면 그 시점으로",
      step: "시점", of: "/", x: "입력 x_t", y: "출력 y_t", lossTerm: "이 시점의 손실 항", loss: "손실 L",
      h: "은닉 상태 h_t", c: "셀 상태 c_t", a: "활성화 전 값 a_t", dh: "dL/dh_t", dc: "dL/dc_t",
      reach: "‖dL/dh_t‖ / ‖dL/dh_T‖ (이 시점까지 도달하는 기울기의 비율)", jac: "‖∂h_T/∂h_t‖",
      topk: "softmax p(y_t), 확률이 가장 높은 것:", target: "· 정답", cls: "클래스",
      handOver: "h_S가 디코더의 초기 상태 h₀가 됩니다", handBack: "디코더가 dL/dh₀를 여기로 돌려줍니다: 인코더의 역전파는 t = S에서 시작합니다",
      norm: "노름", initial: "초기 상태", eq: "유닛", play: "재생", pause: "멈춤", none: "—",
      eqMissing: "기록이 길어서 식의 숫자는 유닛 %s에 대해서만 페이지에 있습니다 (unit:으로 유닛을 고를 수 있습니다).",
      linScale: "막대: 역전파 전체에 하나의 눈금 (꽉 찬 막대 = %s). 줄어드는 기울기는 작게 보입니다.",
      logScale: "막대: 역전파 전체에 하나의 로그 크기 눈금 (꽉 찬 막대 = %s, 막대의 10분의 1마다 10배 작음). 줄어드는 기울기는 짧게 보입니다." }
  };
  var GATE = { f: "f_t", i: "i_t", c_tilde: "c̃_t", o: "o_t", z: "z_t", r: "r_t", h_tilde: "h̃_t" };

  function bytes(s) { var b = atob(s || ""), u = new Uint8Array(b.length); for (var k = 0; k < b.length; k++) u[k] = b.charCodeAt(k); return u.buffer; }
  function f32(s) { return new Float32Array(bytes(s)); }
  function i16(s) { return new Int16Array(bytes(s)); }
  function esc(s) { return String(s).replace(/&/g, "&amp;").replace(/[<]/g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;"); }
  // Numbers as the page shows them: fixed decimals for bounded values, 4 significant digits otherwise.
  function fx(v) { return isFinite(v) ? v.toFixed(3) : String(v); }
  function compact(v) {
    if (!isFinite(v)) return sg(v);
    if (v === 0) return "0";
    var a = Math.abs(v);
    return (a >= 0.01 && a < 100) ? String(Number(v.toPrecision(2))) : v.toExponential(0);
  }
  function sg(v) {
    if (!isFinite(v)) return v !== v ? "NaN" : (v > 0 ? "∞" : "−∞");
    if (v === 0) return "0";
    var a = Math.abs(v);
    return (a >= 1e-3 && a < 1e5) ? String(Number(v.toPrecision(4))) : v.toExponential(3);
  }

  function Widget(root) {
    var d = JSON.parse(root.querySelector(".st-data").textContent);
    var lang = L[d.lang] || L.en, U = d.units.length, G = d.gates.length, T = d.T, self = this;
    var g = d.g ? i16(d.g) : null, h = f32(d.h), dh = f32(d.dh), x = f32(d.x), y = f32(d.y);
    var c = d.c ? f32(d.c) : null, dc = d.dc ? f32(d.dc) : null, a = d.a ? f32(d.a) : null;
    var st = { t: 1, pass: "f", unit: 0, timer: null };
    // Every row on one scale for the whole sequence (states, inputs, outputs) or the whole
    // backward pass (gradients), so that what shrinks looks smaller, step after step.
    function largest(arr) { var m = 0; if (arr) for (var k = 0; k < arr.length; k++) if (isFinite(arr[k])) m = Math.max(m, Math.abs(arr[k])); return m; }
    function smallest(arr) { var m = Infinity; if (arr) for (var k = 0; k < arr.length; k++) { var v = Math.abs(arr[k]); if (v > 0 && v < m) m = v; } return m; }
    var hMax = largest(h), cMax = largest(c), xMax = largest(x), yMax = largest(y), aMax = largest(a);
    var dhMax = largest(dh), dcMax = largest(dc);
    // Gradients spanning more than two decades are drawn by log magnitude (each tenth of the
    // bar a factor of 10 below the largest), else linearly.
    var gMin = Math.min(smallest(dh), dc ? smallest(dc) : Infinity), gMax = Math.max(dhMax, dcMax);
    var decades = gMin < Infinity && gMax > 0 ? Math.log10(gMax / gMin) : 0;
    var logGrad = decades > 2, span = Math.min(Math.max(decades, 1), 10);
    root.querySelector(".l-speed").textContent = lang.speed;
    root.querySelector(".l-forward").textContent = lang.forward;
    root.querySelector(".l-backward").textContent = lang.backward;
    root.querySelector(".l-unit").textContent = lang.unit;
    root.querySelector(".keys").textContent = lang.keys;
    root.querySelector("[data-act=play]").textContent = "▶ " + lang.play;
    var unitSelect = root.querySelector("[data-act=unit]");
    d.units.forEach(function (j, n) { var o = document.createElement("option"); o.value = n; o.textContent = String(j + 1); unitSelect.appendChild(o); });
    var slider = root.querySelector("[data-act=slider]"), playButton = root.querySelector("[data-act=play]");
    var panel = root.querySelector(".st-panel"), eq = root.querySelector(".st-equation"), status = root.querySelector(".st-status");
    var marker = root.querySelector(".st-chart .marker"), highlighted = [];

    function gate(t, gi, n) { return g[((t - 1) * G + gi) * U + n] / 10000; }
    function vec(arr, t) { var out = []; for (var n = 0; n < U; n++) out.push(arr[t * U + n]); return out; }
    function gateVec(t, gi) { var out = []; for (var n = 0; n < U; n++) out.push(gate(t, gi, n)); return out; }

    // A row of bars: "unit" bars from 0 to 1, "signed" bars from a centre line, scaled by `scale`.
    function row(label, key, values, kind, scale, fmt) {
      var s = '<div class="st-row" data-q="' + key + '"><div class="st-label">' + esc(label) + '</div><div class="st-bars" role="img" aria-label="' +
        esc(label + ": " + values.map(fmt).join(", ")) + '">';
      values.forEach(function (v, n) {
        var p = kind === "unit" ? Math.max(0, Math.min(1, v)) : (scale > 0 ? Math.max(-1, Math.min(1, v / scale)) : 0);
        if (kind === "log") {
          var mag = v !== 0 && scale > 0 ? Math.max(0.02, Math.min(1, 1 + Math.log10(Math.abs(v) / scale) / span)) : 0;
          p = v < 0 ? -mag : mag;
        }
        var style = kind === "unit" ? "left:0;width:" + (p * 100).toFixed(1) + "%"
          : (p >= 0 ? "left:50%;width:" + (p * 50).toFixed(1) + "%" : "left:" + (50 + p * 50).toFixed(1) + "%;width:" + (-p * 50).toFixed(1) + "%");
        s += '<div class="st-bar' + (n === st.unit ? " sel" : "") + '" title="' + esc(lang.unit + " " + (d.units[n] + 1) + ": " + fmt(v)) + '"><span class="' +
          (v < 0 ? "neg" : "pos") + '" style="' + style + '"></span></div>';
      });
      // Many units leave each number little room: two significant digits then (the bar's
      // tooltip and the equation keep four), so no number is cut into a different one.
      var tight = values.length > 8;
      s += '</div><div class="st-values' + (tight ? " tight" : "") + '">' + values.map(function (v, n) { return '<span class="v" data-q="' + key + '" data-j="' + d.units[n] + '" title="' + esc(fmt(v)) + '">' + (tight ? compact(v) : fmt(v)) + '</span>'; }).join("") + '</div></div>';
      return s;
    }
    function scalar(label, key, v, fmt) { return '<div class="st-scalar"><span class="st-label">' + esc(label) + '</span> <span class="v" data-q="' + key + '">' + fmt(v) + '</span></div>'; }

    function forwardPanel(t) {
      var s = "";
      if (t === 0) {
        s += scalar(lang.initial, "t0", 0, function () { return "h₀" + (c ? ", c₀" : ""); });
        s += row(lang.h, "h", vec(h, 0), "signed", Math.max(1, hMax), fx);
        if (c) s += row(lang.c, "c", vec(c, 0), "signed", Math.max(1, cMax), fx);
        return s;
      }
      var xs = []; for (var k = 0; k < d.xShown; k++) xs.push(x[(t - 1) * d.xShown + k]);
      s += row(lang.x, "x", xs, "signed", xMax, sg);
      if (a) s += row(lang.a, "a", vec(a, t - 1), "signed", aMax, fx);
      for (var gi = 0; gi < G; gi++) {
        var name = d.gates[gi], bounded = name !== "c_tilde" && name !== "h_tilde";
        s += row((bounded ? "σ " : "tanh ") + GATE[name], name, gateVec(t, gi), bounded ? "unit" : "signed", 1, fx);
      }
      if (c) s += row(lang.c, "c", vec(c, t), "signed", Math.max(1, cMax), fx);
      s += row(lang.h, "h", vec(h, t), "signed", Math.max(1, hMax), fx);
      if (d.role === "encoder") {
        // No readout: the encoder's only output is its last state.
        if (t === T) s += '<p class="st-note">' + esc(lang.handOver) + '</p>';
        return s;
      }
      var ys = []; for (k = 0; k < d.Y; k++) ys.push(y[(t - 1) * d.Y + k]);
      s += row(lang.y, "y", ys, "signed", yMax, sg);
      if (d.xent) s += topK(ys, d.targets[t - 1]);
      s += scalar(lang.lossTerm, "lossTerm", d.lossTerms[t - 1], sg) + scalar(lang.loss, "loss", d.lossValue, sg);
      return s;
    }

    // A cross-entropy model: the softmax of y_t, its three most probable classes, and the
    // class the loss wants at this step (where it reads one).
    function symbol(k) {
      if (!d.classes) return lang.cls + " " + k;
      var name = d.classes[k];
      return "‘" + (name === " " ? "␣" : name === "\n" ? "↵" : name) + "’";
    }
    function topK(ys, target) {
      var m = -Infinity, k, z = 0, p = [];
      for (k = 0; k < ys.length; k++) m = Math.max(m, ys[k]);
      for (k = 0; k < ys.length; k++) { p.push(Math.exp(ys[k] - m)); z += p[k]; }
      var order = p.map(function (_, k) { return k; }).sort(function (a, b) { return p[b] - p[a] || a - b; }).slice(0, 3);
      var s = '<div class="st-topk" data-q="topk"><span class="st-label">' + esc(lang.topk) + '</span> ' + order.map(function (k) {
        return '<span class="tk' + (k === target ? " target" : "") + '" data-k="' + k + '">' + esc(symbol(k)) + ' <span class="v" data-q="p" data-j="' + k + '">' + (p[k] / z).toFixed(3) + '</span></span>';
      }).join(" · ");
      if (target !== null && target !== undefined) s += ' <span class="st-target">' + esc(lang.target + " " + symbol(target) + " " + (p[target] / z).toFixed(3)) + '</span>';
      return s + '</div>';
    }

    function backwardPanel(t) {
      var kind = logGrad ? "log" : "signed";
      var s = '<p class="st-scale">' + esc(logGrad ? lang.logScale.replace("%s", sg(gMax)) : lang.linScale.replace("%s", sg(gMax))) + '</p>';
      if (d.role === "encoder" && t === T) s += '<p class="st-note">' + esc(lang.handBack) + '</p>';
      s += row(lang.dh, "dh", vec(dh, t), kind, gMax, sg) + scalar("‖" + lang.dh + "‖", "dhNorm", d.dhNorm[t], sg);
      if (dc) s += row(lang.dc, "dc", vec(dc, t), kind, gMax, sg) + scalar("‖" + lang.dc + "‖", "dcNorm", d.dcNorm[t], sg);
      var top = d.dhNorm[T];
      // (No ratio where nothing arrives at T, as in a backward-in-time cell whose last step
      // is the sequence's first, which a last-step loss never reads.)
      s += (top > 0 ? scalar(lang.reach, "reach", d.dhNorm[t] / top, sg) : "") + scalar(d.cell === "lstm" ? "‖∂(h,c)_T/∂(h,c)_t‖" : lang.jac, "jac", d.jac[t], sg);
      return s;
    }

    // The equation of the selected unit: a template (MathML rendered by rnnlab, cloned, never
    // parsed from data) whose empty numbers are filled, as text, with the step's values.
    var eqTerms = f32(d.eqTerms), eqIndex = {}, templates = {};
    d.eqNames.forEach(function (name, k) { eqIndex[name] = k; });
    // A what-if panel's step-through shares the first panel's templates (the same cell's equations).
    var shared = root.getAttribute("data-templates") && document.getElementById(root.getAttribute("data-templates"));
    (shared || root).querySelectorAll("template[data-eq]").forEach(function (el) { templates[el.getAttribute("data-eq")] = el; });
    var states = { h: h, c: c, dh: dh, dc: dc };
    function slot(name, t, n) {
      if (name === "t") return t;
      if (name === "t-1") return t - 1;
      if (name === "t+1") return t + 1;
      if (name === "j") return d.units[n] + 1;
      var parts = name.split(":"), key = parts[0], s = t + (parts.length > 1 ? +parts[1] : 0);
      if (states[key]) return states[key][s * U + n];
      if (key === "a") return a[(s - 1) * U + n];
      if (key.slice(0, 2) === "g.") return gate(s, d.eqGates.indexOf(key.slice(2)), n);
      if (key in eqIndex) return eqTerms[(eqIndex[key] * (T + 1) + s) * d.eqUnits + n];
      if (d.eqConst[key]) return d.eqConst[key][n];
      return NaN;
    }
    function cut(t) { return d.truncation && t > 0 && t < T && t % d.truncation === 0; }
    function equation(t) {
      var n = st.unit, label = document.createElement("div");
      label.className = "st-eq-label";
      label.textContent = lang.eq + " " + (d.units[n] + 1) + ":";
      eq.replaceChildren(label);
      if (n >= d.eqUnits) {
        label.textContent = lang.eqMissing.replace("%s", d.eqUnits === 1 ? String(d.units[0] + 1) : (d.units[0] + 1) + "–" + (d.units[d.eqUnits - 1] + 1));
        return;
      }
      var key = st.pass === "f" ? (t === 0 ? "f0" : "f") : (t === T ? "bT" : t === 0 ? "b0" : cut(t) ? "bc" : "b");
      var math = templates[key].content.cloneNode(true);
      math.querySelectorAll("[data-slot]").forEach(function (el) {
        var name = el.getAttribute("data-slot"), v = slot(name, t, n);
        if (/^(t|t-1|t\+1|j)$/.test(name)) { el.textContent = String(v); return; }
        var text = sg(v).replace(/-/g, "−");
        el.textContent = v < 0 && el.hasAttribute("data-paren") ? "(" + text + ")" : text;
      });
      eq.appendChild(math);
    }

    function highlight(t) {
      highlighted.forEach(function (el) { el.classList.remove("st-current"); el.classList.remove("st-path"); });
      highlighted = [];
      var back = st.pass === "b", p = d.id + (back ? "-b-" : "-"), names = back ? ["h_" + t, "c_" + t] : ["x_" + t, "cell_" + t, "h_" + t, "c_" + t, "y_" + t];
      var found = false;
      names.forEach(function (nm) { var el = document.getElementById(p + nm); if (el) { el.classList.add("st-current"); highlighted.push(el); found = true; } });
      if (back) {
        // The way the gradient came: from the loss through every later step to h_t.
        ["loss", "decoder"].concat(Array.from({ length: T - t }, function (_, k) { return k + t + 1; }).reduce(function (acc, s) {
          return acc.concat(["h_" + s, "c_" + s, "cell_" + s, "y_" + s]);
        }, [])).forEach(function (nm) { var el = document.getElementById(p + nm); if (el) { el.classList.add("st-path"); highlighted.push(el); } });
      }
      var box = root.querySelector(back ? ".st-graph-b" : ".st-graph-f");
      if (!found) {
        root.querySelectorAll('[id^="' + p + 'fold_"]').forEach(function (el) {
          var r = el.id.slice(p.length + 5).split("_");
          if (t >= +r[0] && t <= +r[1]) { el.classList.add("st-current"); highlighted.push(el); }
        });
      }
      // Keep the current step in view in a wide graph, without moving the page.
      if (highlighted.length && box && box.scrollWidth > box.clientWidth) {
        var r0 = highlighted[0].getBoundingClientRect(), rb = box.getBoundingClientRect();
        box.scrollLeft += (r0.left + r0.width / 2) - (rb.left + rb.width / 2);
      }
    }

    function moveMarker(t) {
      if (!marker) return;
      var x0 = +marker.getAttribute("data-x0"), x1 = +marker.getAttribute("data-x1");
      var left = +marker.getAttribute("data-left"), w = +marker.getAttribute("data-width");
      var px = left + (t - x0) / (x1 - x0 || 1) * w;
      marker.setAttribute("x1", px); marker.setAttribute("x2", px);
    }

    // The equation is the page's costliest redraw (MathML layout): at most once per frame,
    // the first request drawn at once and the latest of any more drawn at the next frame, so
    // holding an arrow key or playing fast never queues work behind the slider.
    var eqFrame = 0;
    function showEquation() {
      if (eqFrame) { eqFrame = 2; return; }
      equation(st.t);
      eqFrame = 1;
      (window.requestAnimationFrame || function (f) { return setTimeout(f, 16); })(function () {
        var again = eqFrame === 2;
        eqFrame = 0;
        if (again) showEquation();
      });
    }

    this.show = function (t, pass, keepHash) {
      st.t = Math.max(0, Math.min(T, t));
      if (pass) st.pass = pass;
      slider.value = st.t;
      root.querySelector('input[value="' + st.pass + '"]').checked = true;
      root.classList.toggle("backward", st.pass === "b");
      status.textContent = (st.pass === "f" ? lang.forward : lang.backward) + " · " + lang.step + " t = " + st.t + " " + lang.of + " " + T;
      panel.innerHTML = st.pass === "f" ? forwardPanel(st.t) : backwardPanel(st.t);
      showEquation();
      highlight(st.t);
      moveMarker(st.t);
      if (!keepHash && history.replaceState) history.replaceState(null, "", "#" + d.id + "=" + st.pass + st.t + (st.unit ? "u" + (d.units[st.unit] + 1) : ""));
    };
    this.position = function () { return st.t; };
    this.step = function (dir) { self.show(st.t + (st.pass === "f" ? dir : -dir)); };
    this.first = function () { self.show(st.pass === "f" ? 0 : T); };
    this.last = function () { self.show(st.pass === "f" ? T : 0); };
    this.toggle = function () {
      if (st.timer) { clearInterval(st.timer); st.timer = null; playButton.textContent = "▶ " + lang.play; root.classList.remove("playing"); return; }
      var speed = +root.querySelector("[data-act=speed]").value || 5;
      playButton.textContent = "❚❚ " + lang.pause; root.classList.add("playing");
      st.timer = setInterval(function () {
        var end = st.pass === "f" ? T : 0;
        if (st.t === end) { self.toggle(); return; }
        self.step(1);
      }, 1000 / speed);
    };
    // f and b keep the place: the same step in the other pass.
    this.pass = function (p) { self.show(st.t, p); };

    root.addEventListener("click", function (e) {
      // A node of the graph: go to its step.
      var node = e.target.closest(".st-graph g.node, .st-graph g.cluster");
      if (node && node.id) {
        var m = /_(\d+)$/.exec(node.id), fold = /fold_(\d+)_(\d+)$/.exec(node.id);
        if (fold) { self.show(Math.round((+fold[1] + +fold[2]) / 2)); return; }
        if (m) { self.show(+m[1]); return; }
      }
      var act = e.target.closest("[data-act]");
      if (!act) return;
      var k = act.getAttribute("data-act");
      if (k === "first") self.first(); else if (k === "last") self.last();
      else if (k === "prev") self.step(-1); else if (k === "next") self.step(1); else if (k === "play") self.toggle();
    });
    slider.addEventListener("input", function () { self.show(+slider.value); });
    unitSelect.addEventListener("change", function () { st.unit = +unitSelect.value; self.show(st.t, null); });
    // The fragment names the widget, the pass, the step and the unit: #st-01=b12u3.
    function fromHash(scroll) {
      var m = new RegExp("^#" + d.id + "=([fb])(\\d+)(?:u(\\d+))?$").exec(location.hash);
      if (!m) return false;
      if (m[3]) { var n = d.units.indexOf(+m[3] - 1); if (n >= 0) { st.unit = n; unitSelect.value = n; } }
      self.show(+m[2], m[1], true);
      if (scroll) root.scrollIntoView();
      return true;
    }
    window.addEventListener("hashchange", function () { fromHash(true); });
    root.querySelectorAll('input[type=radio]').forEach(function (r) { r.addEventListener("change", function () { self.pass(r.value); }); });
    root.querySelector("[data-act=speed]").addEventListener("change", function () { if (st.timer) { self.toggle(); self.toggle(); } });
    root.addEventListener("keydown", function (e) {
      if (e.target.tagName === "SELECT" || (e.target.tagName === "INPUT" && e.target.type !== "range" && e.target.type !== "radio")) return;
      var k = e.key, handled = true;
      if (k === "ArrowRight") self.step(1); else if (k === "ArrowLeft") self.step(-1);
      else if (k === " " || k === "Spacebar") self.toggle(); else if (k === "Home") self.first(); else if (k === "End") self.last();
      else if (k === "f" || k === "F") self.pass("f"); else if (k === "b" || k === "B") self.pass("b"); else handled = false;
      if (handled) e.preventDefault();
    });
    if (!fromHash(true)) this.show(1, "f", true);
  }

  // Connectivity strips: pointing at an output colours the inputs by ‖∂y_t/∂x_s‖ (levels 0–8).
  function Connectivity(box) {
    var levels = JSON.parse(box.getAttribute("data-levels")), strongest = JSON.parse(box.getAttribute("data-strongest"));
    var ins = box.querySelectorAll(".cx-in"), outs = box.querySelectorAll(".cx-out");
    var status = box.querySelector(".cx-status");
    var ko = (document.documentElement.lang || "en").slice(0, 2) === "ko";
    function show(t) {
      var row = levels[t - 1] || [], best = strongest[t - 1] - 1;
      ins.forEach(function (el, k) {
        el.className = "cx-in " + (k < row.length ? "cx-l" + row[k] : "cx-after");
      });
      outs.forEach(function (el, k) { el.classList.toggle("sel", k === t - 1); });
      status.textContent = ko
        ? "t = " + t + "의 출력 " + JSON.stringify(outs[t - 1].textContent) + ": 가장 크게 의존하는 입력은 s = " + (best + 1) + " " + JSON.stringify(ins[best].textContent) + "입니다. s > t인 입력(회색)은 이 출력에 영향을 줄 수 없습니다."
        : "Output at t = " + t + " " + JSON.stringify(outs[t - 1].textContent) + ": it depends most on the input at s = " + (best + 1) + " " + JSON.stringify(ins[best].textContent) + ". Inputs after t (grey) cannot affect it.";
    }
    outs.forEach(function (el) {
      var t = +el.getAttribute("data-t");
      ["mouseenter", "focus", "click"].forEach(function (kind) { el.addEventListener(kind, function () { show(t); }); });
    });
    if (outs.length) show(outs.length);
  }

  // What-if: the slider shows the panel of the chosen swept value; the fragment keeps it.
  function WhatIf(box) {
    var range = box.querySelector("input[type=range]"), out = box.querySelector(".wi-control output");
    var values = JSON.parse(box.getAttribute("data-values")), panels = box.querySelectorAll(".wi-panel");
    var param = box.querySelector(".wi-control label").textContent.replace(/=.*$/, "=");
    function choose(k, keep) {
      k = Math.max(0, Math.min(values.length - 1, k | 0));
      range.value = k;
      out.textContent = values[k];
      range.setAttribute("aria-valuetext", param + " " + values[k]);
      panels.forEach(function (p) { p.hidden = +p.getAttribute("data-index") !== k; });
      if (keep && history.replaceState) history.replaceState(null, "", "#" + box.id + "=" + k);
    }
    range.addEventListener("input", function () { choose(+range.value, true); });
    var m = location.hash.match(new RegExp("^#" + box.id + "=(\\d+)$"));
    choose(m ? +m[1] : 0, false);
    this.choose = choose;
  }

  // A stacked or bidirectional network's cells, one step-through each, chosen by a menu; a
  // fragment naming one of them (#st-05-l2b=b3u2) opens its cell.
  function Layers(box) {
    var select = box.querySelector("select[data-act=layer]"), panels = box.querySelectorAll(".st-layer-panel");
    function choose(k) {
      select.value = k;
      panels.forEach(function (p) { p.hidden = p.getAttribute("data-k") !== String(k); });
    }
    select.addEventListener("change", function () {
      choose(select.value);
      var root = box.querySelector('.st-layer-panel[data-k="' + select.value + '"] .stepthrough');
      if (root && root.stepThrough) root.stepThrough.show(root.stepThrough.position(), null);
    });
    var chosen = "0";
    panels.forEach(function (p) {
      var root = p.querySelector(".stepthrough");
      if (root && location.hash.indexOf("#" + root.id + "=") === 0) chosen = p.getAttribute("data-k");
    });
    choose(chosen);
  }

  function start() {
    document.querySelectorAll(".st-layers").forEach(function (box) { box.layers = new Layers(box); });
    document.querySelectorAll(".stepthrough").forEach(function (root) { root.stepThrough = new Widget(root); });
    document.querySelectorAll(".connectivity").forEach(function (box) { box.connectivity = new Connectivity(box); });
    document.querySelectorAll(".what-if").forEach(function (box) { box.whatIf = new WhatIf(box); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
"""#

    static let css = """
        .stepthrough { border: 1px solid var(--rule); border-radius: 6px; padding: .6rem .8rem; margin: 1rem 0; outline: none; }
        .stepthrough:focus-visible { box-shadow: 0 0 0 3px #9cc7e8; }
        .stepthrough .controls { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; }
        .stepthrough button { font-size: 1rem; min-width: 2.2rem; padding: .15rem .4rem; border: 1px solid #999; border-radius: 4px; background: #fff; cursor: pointer; }
        .stepthrough input[type=range] { flex: 1 1 12rem; }
        .stepthrough .keys, .stepthrough .st-units { font-size: .8rem; color: var(--muted); margin: .3rem 0; }
        .st-status { font-weight: bold; margin: .3rem 0; }
        .st-graph { overflow-x: auto; } .st-graph svg { max-width: none; height: auto; }
        .st-graph g.node { cursor: pointer; }
        .st-graph-b { display: none; } .stepthrough.backward .st-graph-f { display: none; } .stepthrough.backward .st-graph-b { display: block; }
        .st-graph .st-path polygon, .st-graph .st-path path, .st-graph .st-path ellipse { stroke: #0072B2; stroke-width: 2px; }
        .stepthrough.backward input[type=range] { direction: rtl; }
        .st-scale { font-size: .8rem; color: var(--muted); margin: .2rem 0; }
        .st-note { font-size: .85rem; margin: .3rem 0; font-style: italic; }
        .st-topk { font-size: .85rem; margin: .3rem 0; overflow-wrap: anywhere; } .st-topk .tk.target { font-weight: bold; } .st-target { color: var(--muted); }
        @media (hover: none) and (pointer: coarse) { .stepthrough .keys { display: none; } }
        .st-graph .st-current polygon, .st-graph .st-current path, .st-graph .st-current ellipse { stroke: #D55E00; stroke-width: 3px; }
        .st-graph .st-current text { font-weight: bold; }
        .st-row { display: grid; grid-template-columns: 10rem 1fr; gap: .1rem .6rem; margin: .25rem 0; align-items: center; }
        .st-label { font-size: .85rem; }
        .st-bars { display: flex; gap: 2px; height: 1.1rem; }
        .st-bar { position: relative; flex: 1 1 0; background: #f0f0f0; min-width: 3px; }
        .st-bar.sel { outline: 2px solid #333; }
        .st-bar span { position: absolute; top: 0; bottom: 0; }
        .st-bar span.pos { background: #D55E00; } .st-bar span.neg { background: #0072B2; background-image: repeating-linear-gradient(45deg, rgba(255,255,255,.45) 0 2px, transparent 2px 4px); }
        .st-values { grid-column: 2; display: flex; gap: 2px; font-size: .62rem; font-variant-numeric: tabular-nums; color: #333; overflow: hidden; }
        .st-values .v { flex: 1 1 0; text-align: center; min-width: 0; overflow: hidden; text-overflow: clip; white-space: nowrap; }
        .st-values.tight { font-size: .58rem; letter-spacing: -.02em; }
        /* A phone: the label above its bars, so that many units still fit the column. */
        @media (max-width: 40rem) { .st-row { grid-template-columns: minmax(0, 1fr); } .st-values { grid-column: 1; } .st-bar { min-width: 1px; } .st-bars { gap: 1px; } .st-values { gap: 1px; } }
        .st-scalar { font-size: .9rem; margin: .2rem 0; } .st-scalar .v { font-weight: bold; font-variant-numeric: tabular-nums; }
        .st-equation { font-size: .9rem; background: #f6f8fa; padding: .4rem .6rem; margin: .4rem 0; overflow-x: auto; }
        .st-equation math { display: inline math; font-size: 1.05em; } .st-eq-label { font-size: .85rem; color: var(--muted); margin-bottom: .2rem; }
        .stepthrough.backward .st-status { color: #9a3d00; }
        .stepthrough-print { display: none; }
        .connectivity { margin: .6rem 0 1rem; } .cx-hint, .cx-status { font-size: .85rem; color: var(--muted); margin: .3rem 0; }
        .cx-scroll { overflow-x: auto; max-width: 100%; }
        .cx-grid { display: grid; gap: 2px; align-items: stretch; font-family: ui-monospace, monospace; font-size: 1rem; }
        .cx-label { font-family: inherit; font-size: .75rem; color: var(--muted); padding-right: .4rem; white-space: nowrap; align-self: center; }
        .cx-in, .cx-out { text-align: center; padding: .15rem 0; border-radius: 3px; min-width: 1.3em; }
        .cx-out { font: inherit; border: 1px solid var(--rule); background: #fff; cursor: pointer; }
        .cx-out.sel { outline: 2px solid #333; }
        .cx-after { background: #eeeeee; color: #999999; }
        .cx-l0 { background: #440154; color: #fff; } .cx-l1 { background: #46327e; color: #fff; } .cx-l2 { background: #365c8d; color: #fff; }
        .cx-l3 { background: #277f8e; color: #fff; } .cx-l4 { background: #1fa187; color: #fff; } .cx-l5 { background: #4ac16d; color: #000; }
        .cx-l6 { background: #a0da39; color: #000; } .cx-l7 { background: #d4e22c; color: #000; } .cx-l8 { background: #fde725; color: #000; }
        @media print { .cx-hint { display: none; } }
        .what-if { border: 1px solid var(--rule); border-radius: 6px; padding: .6rem .8rem; margin: 1rem 0; }
        .wi-control { display: flex; flex-wrap: wrap; align-items: center; gap: .4rem .8rem; margin: .2rem 0; }
        .wi-control label { font-weight: bold; } .wi-control input[type=range] { flex: 1 1 12rem; min-width: 8rem; }
        .wi-values, .wi-hint { font-size: .8rem; color: var(--muted); } .wi-hint { margin: .2rem 0 .5rem; }
        .wi-panel[hidden], .st-layer-panel[hidden] { display: none; }
        .st-layers > .st-layer-choice { margin: .4rem 0; font-size: .9rem; }
        @media print { .st-layers .st-layer-panel[hidden] { display: block; } .st-layer-choice { display: none; } }
        @media print { .what-if .wi-panel[hidden] { display: block; } .wi-control input, .wi-hint { display: none; } }
        .multiples { display: flex; flex-wrap: wrap; gap: 6px; }
        .multiple { border: 1px solid var(--rule); padding: 3px; width: 15.5%; min-width: 90px; }
        .multiple svg { width: 100%; height: auto; } .m-title { font-weight: bold; font-size: 8pt; } .m-norm { font-size: 7pt; color: var(--muted); }
        .m-caption { font-size: 9pt; color: var(--muted); margin-bottom: 2px; }
        @media print {
          .stepthrough { border: none; padding: 0; }
          .stepthrough .interactive { display: none; }
          .stepthrough-print { display: block; break-inside: avoid; }
        }
        """
}
