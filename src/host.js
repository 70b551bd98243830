// Host protocol v1, widget side: docs/embedding.md. Loaded by on_demand.js only in a frame or a
// native webview; the complaint form reaches it through window.jmoSelfHelp. State lives on
// window.__jmoHost.
const w = window, P = "jmo-selfhelp", framed = parent != w,
  h = w.__jmoHost || (w.__jmoHost = { q: framed && [] });

if (!h.on) {
  h.on = 1;
  w.jmoSelfHelp = { receive: m => got(typeof m == "string" ? JSON.parse(m) : m), send, context };
  // Framed: only the parent's exact origin, and only if the deployment lists it.
  framed && fetch("/embed-origins.json").then(r => r.json()).then(j => {
    const o = location.ancestorOrigins?.[0] || new URL(document.referrer).origin;
    if (j.origins.includes(o)) {
      h.o = o;
      h.q.map(m => parent.postMessage(m, o));
      addEventListener("message", e => e.source == parent && e.origin == o && got(e.data));
    }
  }).catch(() => {}).then(() => h.q = 0);
}

function got(m) {
  const l = m?.language;
  if (m?.protocol != P || m.version != 1 || m.type != "context") return;
  h.c = m;
  // The complaint form, if already open, fills its empty fields from the prefill.
  w.dispatchEvent(new Event("jmo-context"));
  if (l === "id" || l === "en") {
    // As `lang=` in the page's address, which the widget follows (popstate).
    const q = location.search.slice(1).split("&");
    q.includes("lang=" + l) || (history.replaceState(null, "", location.pathname + "?" + q.filter(x => x && x.slice(0, 5) != "lang=").concat("lang=" + l).join("&")), w.dispatchEvent(new PopStateEvent("popstate")));
  }
}

// Only these fields of `data` ever leave, to the app's bridge or the checked parent.
export function send(type, data) {
  const m = { protocol: P, version: 1, type }, a = w.JmoHost, k = w.webkit?.messageHandlers?.jmoHost;
  for (const x of ["guide", "node", "ticket", "height"]) data?.[x] != null && (m[x] = data[x]);
  try {
    a ? a.postMessage(JSON.stringify(m)) : k ? k.postMessage(m) : h.o ? parent.postMessage(m, h.o) : h.q && h.q.push(m);
  } catch (e) {}
}

// What is on screen (ids, empty off a step); the first call sends `ready` and starts `resize`.
export function show(guide, node, resolved) {
  const s = guide && guide + "/" + node, d = document.documentElement;
  if (!h.r) {
    h.r = 1;
    send("ready");
    new ResizeObserver(() => {
      const y = Math.ceil(d.getBoundingClientRect().height);
      y != h.y && send("resize", { height: h.y = y });
    }).observe(d);
  }
  if (s && s != h.s) {
    send("step", { guide, node });
    resolved && send("resolved", { guide, node });
  }
  h.s = s;
}

export const close = () => send("close");

// The host's last context, for the complaint form's prefill (to be checked like typed input).
export function context() { return h.c; }
