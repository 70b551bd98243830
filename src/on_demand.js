// What the widget loads only when a page needs it (docs: src/form_module.rs, src/host.rs).
const d = document, w = window, url = f => new URL("/" + f, location.origin).href;

// The complaint form module: fetched once, then mounted into elements of the page. Shows the
// loading message meanwhile, and the failure with a retry button.
let m;
const load = () => m = m || import(url("complaint_form.js")).then(async x => { await x.default(); return x }).catch(e => { m = null; throw e }),
  say = (e, c, r, t, b) => { const p = d.createElement("p"); p.className = c; p.setAttribute("role", r); p.append(t); b && p.append(" ", b); e.replaceChildren(p) };
// The form the server drew (for a page without JavaScript) stays in the page, working as a
// plain form, until the module draws its own in its place (taking what was typed along); a
// receipt stays for good. The module draws in the page's language `g`, and follows `page`; on a
// guide's page (`s`) it is fetched once the page is idle, so that an escalation's form is ready
// when the participant gets there (not when they asked the browser to save data).
let lg;
export function page(g, s) { lg = g; m ? m.then(x => x.language(g), () => {}) : s && !navigator.connection?.saveData && idle().then(load).catch(() => {}) }
export function mount(k, e, c, g, l, f, r) {
  lg = g;
  let h = 0, gone = 0, server = place(k, e) || !!e.firstChild;
  if (k == "receipt") return () => {};
  const go = () => {
    server || l && say(e, "hint", "status", l);
    load().then(x => { gone || (h = x.mount(k, e, c, lg)) }, () => {
      if (gone || !f || server) return;
      const b = d.createElement("button");
      b.type = "button"; b.className = "button"; b.textContent = r; b.onclick = go;
      say(e, "notice", "alert", f, b);
    });
  };
  go();
  return () => { gone = 1; h && m.then(x => x.unmount(h)) };
}

// The host protocol (host.js), only inside a frame or a native webview with its bridge: a plain
// browser tab has no host to talk to.
const hosted = w.parent != w || w.JmoHost || w.webkit?.messageHandlers?.jmoHost;
let p;
const host = () => p = p || import(url("host.js"));
export function close() { hosted && host().then(x => x.close(), () => {}) }

// Taking over the server's page (src/take_over.rs): what the participant did on it — the focused
// element (its index in #app), every field's value, the scroll — kept while the widget draws the
// same markup, then put back.
// The server's part of the form module (a filled `.form-slot`) is not drawn again but moved, as
// it is, into the widget's slot of the same kind (`place`).
let kept, slot;
export function keep(root) {
  const all = [...root.querySelectorAll("*")], s = root.querySelector(".form-slot:not(:empty)");
  kept = { root, focus: all.indexOf(d.activeElement), values: [...root.querySelectorAll("input,textarea,select")].map(f => f.value), x: w.scrollX, y: w.scrollY };
  slot = s && { k: s.dataset.kind, nodes: [...s.childNodes] };
}
const place = (k, e) => slot && slot.k == k && !e.firstChild ? (e.append(...slot.nodes), slot = 0, 1) : 0;
export function putBack() {
  if (!kept) return;
  const { root, focus, values, x, y } = kept;
  kept = 0;
  const s = slot && root.querySelector(`.form-slot[data-kind="${slot.k}"]`);
  s && place(slot.k, s);
  [...root.querySelectorAll("input,textarea,select")].forEach((f, i) => values[i] != null && f.value != values[i] && (f.value = values[i]));
  focus >= 0 && root.querySelectorAll("*")[focus]?.focus();
  w.scrollTo(x, y);
}
// A file of the guides (src/content.rs) as text, rejected when it could not be had; `l`ater:
// once the page is idle (or after a second: a busy page is never idle), at low priority (a guide
// nobody waits for).
const idle = () => new Promise(r => w.requestIdleCallback ? w.requestIdleCallback(r, { timeout: 1000 }) : setTimeout(r, 50));
export const fetchText = (f, l) => (l ? idle() : Promise.resolve())
  .then(() => fetch(url(f), { priority: l ? "low" : "auto" })).then(r => r.ok ? r.text() : Promise.reject());
// Resolves when the device is back online.
export const online = () => new Promise(r => w.addEventListener("online", r, { once: true }));
// The clipboard, where there is one (src/browser.rs `copy_text`).
export const copy = t => (navigator.clipboard ? navigator.clipboard.writeText(t) : Promise.reject()).then(() => true, () => false);
// The names of the items in localStorage, a line each (none where storage throws): the outbox's
// rule (src/browser.rs `has_stored_complaints`) tells from them whether complaints are kept.
export const storedNames = () => { try { return Object.keys(localStorage).join("\n") } catch (e) { return "" } };

// What is on screen (src/hooks/use_shown.rs): the step's link without language or embedding
// (`s`, ids only; "" off a guide), how a walk that ends there ends (`o`), the content version,
// the language. The host hears of the guide, the node and whether it is a resolution (the
// first call tells it the widget is ready); the walk's report follows the walk.
export function shown(s, o, v, g) {
  const [, gd = "", n = ""] = s.split("?")[0].split("/");
  hosted && host().then(x => x.show(gd, n, o == "resolved"), () => {});
  if (s == at) return wk && (wk.lang = g);
  at = s;
  wk && wk.step.split(/[/?]/)[1] != gd && end();
  if (s && crypto.randomUUID) {
    wk = wk || { version: v, embedding: w.JmoHost || w.webkit?.messageHandlers?.jmoHost ? "app" : w.parent != w ? "embed" : "web", delivered: !1, nonce: crypto.randomUUID() };
    Object.assign(wk, { step: s, outcome: o, lang: g, day: new Date(Date.now() + 252e5).toISOString().slice(0, 10) });
    o == "resolved" && end();
  }
}
// The walk's one anonymous report (docs/learning.md): where it ended, how, the language, the
// embedding, the day in Jakarta and a random nonce — nothing else. Sent on a resolution, on a
// delivered complaint at an escalation, on leaving the guide or the page. Kept on the device
// (`Q`) until the server has it, and while the page is hidden (a phone may kill it then); kept
// ones go on the next visit or when back online. The server counts a nonce once.
let wk, at;
const Q = "jmo.walk-reports", api = url("api/v1/walks"), json = JSON.stringify,
  stash = f => { try { const q = JSON.parse(localStorage[Q] || "[]"); f(q); q[0] ? localStorage[Q] = json(q) : localStorage.removeItem(Q) } catch (e) {} },
  unstash = r => stash(q => q.splice(q.findIndex(x => x.nonce == r.nonce) >>> 0, 1)),
  post = r => fetch(api, { method: "POST", body: json(r), keepalive: !0 }).then(a => a.status < 500 && a.status != 429 && unstash(r), () => {}),
  // `h`: the page is going away, so no answer will be heard: a beacon, trusted when online.
  end = h => {
    const r = wk;
    wk = 0;
    r && (unstash(r), stash(q => q.push(r)), h && navigator.onLine && navigator.sendBeacon(api, json(r)) ? unstash(r) : post(r));
  },
  sendKept = () => stash(q => q.map(r => r.nonce != wk?.nonce && post(r)));
w.addEventListener("jmo-delivered", () => wk?.outcome == "escalated" && (wk.delivered = !0, end()));
w.addEventListener("pagehide", () => end(1));
d.addEventListener("visibilitychange", () => wk && (unstash(wk), d.hidden && stash(q => q.push(wk))));
w.addEventListener("online", sendKept);
idle().then(sendKept);
