// Browser-side helpers for jmo-form's tests: a scripted stand-in for `fetch`, a <base> element,
// events as another tab or the network would fire them, and generated image files.

let realFetch = null;
let mode = "refuse";
let calls = [];
let aborted = 0;

const RECEIPT = {
  ticket: "JMO-7K3M-9QX2-ABCD-EF01",
  received_at: "2026-11-24T05:00:00Z",
  response_due_at: "2026-11-25T05:00:00Z",
};

function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

function answer(init) {
  switch (mode) {
    case "refuse":
      return Promise.reject(new TypeError("Failed to fetch"));
    case "hang":
      return new Promise((_, reject) => {
        if (init && init.signal) {
          init.signal.addEventListener("abort", () => {
            aborted += 1;
            reject(new DOMException("The operation was aborted.", "AbortError"));
          });
        }
      });
    case "201":
      return Promise.resolve(json(201, RECEIPT));
    case "portal":
      return Promise.resolve(new Response("<html>Login to the hotspot</html>", { status: 200 }));
    case "422":
      return Promise.resolve(json(422, { errors: [{ field: "reporter.nik", code: "nik_birth_date" }] }));
    case "503":
      return Promise.resolve(json(503, { errors: [{ code: "overloaded" }] }, { "Retry-After": "1" }));
    case "404":
      return Promise.resolve(json(404, { errors: [{ code: "not_found" }] }));
    case "429":
      return Promise.resolve(json(429, { errors: [{ code: "rate_limited" }] }, { "Retry-After": "60" }));
    case "413":
      return Promise.resolve(json(413, { errors: [{ code: "body_too_large" }] }));
    case "415-bare":
      return Promise.resolve(new Response("Unsupported", { status: 415 }));
    case "status":
      return Promise.resolve(json(200, { ...RECEIPT, status: "in_progress", updated_at: "2026-11-24T06:00:00Z" }));
    case "disruptions":
      return Promise.resolve(json(200, {
        disruptions: [{
          id: "d1", family: "login", title: { id: "Gangguan login", en: "Login trouble" },
          message: { id: "Sedang diperbaiki.", en: "Being fixed." }, since: "2026-11-24T01:00:00Z",
        }],
      }));
    case "attachment":
      return Promise.resolve(json(201, { id: "att_0123456789abcdef", content_type: "image/jpeg", bytes: 1234, width: 16, height: 9 }));
    default:
      return Promise.reject(new TypeError("unknown test mode " + mode));
  }
}

/// Replaces window.fetch with a recorder answering by `m`.
export function fake_fetch(m) {
  if (!realFetch) realFetch = window.fetch;
  mode = m;
  window.fetch = function (url, init) {
    const h = init && init.headers;
    calls.push({
      url: String(url),
      method: init && init.method,
      key: h && h.get ? h.get("Idempotency-Key") : null,
      content_type: h && h.get ? h.get("Content-Type") : null,
      body: init && typeof init.body === "string" ? init.body : null,
      body_kind: init && init.body ? Object.prototype.toString.call(init.body) : null,
      cache: init && init.cache ? String(init.cache) : null,
      has_signal: !!(init && init.signal),
    });
    return answer(init);
  };
}

export function set_mode(m) { mode = m; }
export function calls_json() { return JSON.stringify(calls); }
export function clear_calls() { calls = []; aborted = 0; }
export function aborted_count() { return aborted; }
export function restore_fetch() { if (realFetch) window.fetch = realFetch; }

export function set_base(href) {
  let base = document.querySelector("base");
  if (!base) {
    base = document.createElement("base");
    document.head.appendChild(base);
  }
  base.href = href;
}
export function remove_base() {
  const base = document.querySelector("base");
  if (base) base.remove();
}
export function base_uri() { return document.baseURI; }

export function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }
export function fire(name) { window.dispatchEvent(new Event(name)); }
export function fire_storage(key) { window.dispatchEvent(new StorageEvent("storage", { key })); }

export function read_item(key) { return localStorage.getItem(key); }
export function write_item(key, value) { localStorage.setItem(key, value); }
export function remove_item(key) { localStorage.removeItem(key); }

/// A Storage-like object whose every method throws, as in a webview with storage disabled.
export function throwing_storage() {
  const fail = () => { throw new DOMException("The operation is insecure.", "SecurityError"); };
  return { getItem: fail, setItem: fail, removeItem: fail, clear: fail, key: fail, length: 0 };
}

/// Makes `window.localStorage` itself throw for the rest of the page's life.
export function break_local_storage() {
  Object.defineProperty(window, "localStorage", {
    configurable: true,
    get() { throw new DOMException("The operation is insecure.", "SecurityError"); },
  });
}

/// A w×h picture with gradients and many coloured blocks, encoded as `type`.
export async function make_image(w, h, type, quality) {
  const c = document.createElement("canvas");
  c.width = w;
  c.height = h;
  const g = c.getContext("2d");
  const grad = g.createLinearGradient(0, 0, w, h);
  grad.addColorStop(0, "#123456");
  grad.addColorStop(1, "#ffcc88");
  g.fillStyle = grad;
  g.fillRect(0, 0, w, h);
  for (let i = 0; i < 6000; i++) {
    g.fillStyle = `hsl(${(i * 37) % 360}, 70%, ${30 + (i % 40)}%)`;
    g.fillRect((i * 7919) % w, (i * 104729) % h, 13 + (i % 50), 7 + (i % 30));
  }
  g.font = "48px sans-serif";
  g.fillStyle = "#000";
  for (let y = 60; y < h; y += 120) g.fillText("JMO 0123456789 ABCDEFGHIJ KLMNOPQRS", 20, y);
  const blob = await new Promise((resolve) => c.toBlob(resolve, type, quality));
  return new File([blob], "photo", { type });
}

/// `file` (a JPEG) with an EXIF block carrying `orientation` and a GPS-like text, right after SOI.
export async function with_exif(file, orientation) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const tiff = [0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0];
  const payload = [...new TextEncoder().encode("Exif"), 0, 0, ...tiff, ...new TextEncoder().encode("GPS-CANARY-6.2088S-106.8456E")];
  const len = payload.length + 2;
  const app1 = [0xff, 0xe1, len >> 8, len & 255, ...payload];
  const out = new Uint8Array(bytes.length + app1.length);
  out.set(bytes.subarray(0, 2), 0);
  out.set(app1, 2);
  out.set(bytes.subarray(2), 2 + app1.length);
  return new File([out], "rotated.jpg", { type: "image/jpeg" });
}

export async function contains_text(blob, text) {
  const b = new Uint8Array(await blob.arrayBuffer());
  const t = new TextEncoder().encode(text);
  outer: for (let i = 0; i + t.length <= b.length; i++) {
    for (let j = 0; j < t.length; j++) if (b[i + j] !== t[j]) continue outer;
    return true;
  }
  return false;
}

/// [naturalWidth, naturalHeight] of the image at `url`, or [0, 0] if it does not load.
export function image_size(url) {
  return new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve([img.naturalWidth, img.naturalHeight]);
    img.onerror = () => resolve([0, 0]);
    img.src = url;
  });
}

export function text_file() { return new File(["hello"], "note.txt", { type: "text/plain" }); }
export function huge_file() { return new File([new Uint8Array(21 * 1024 * 1024)], "huge.jpg", { type: "image/jpeg" }); }
export function garbage_file(type) { return new File([new Uint8Array(2000).fill(7)], "broken", { type }); }
export function empty_file() { return new File([], "empty.jpg", { type: "image/jpeg" }); }
