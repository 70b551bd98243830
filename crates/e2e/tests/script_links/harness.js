// Runs the page's own scripts (index.html's boot script, embed/jmo-embed.js, src/host.js) in
// Node's `vm`, against a stand-in for the browser objects they touch, and reports the addresses
// they make: script_links.rs reads them with the Rust link codec. Input (stdin, JSON):
// { boot, embed, host, cases: { boot: [{ hash, pathname, search, remembered }],
//   embed: [{ attrs }], host: [{ pathname, search, language }] } }; output: the same lists of
// addresses (null where a script made none).
"use strict";
const vm = require("vm");

const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = { boot: [], embed: [], host: [] };

// index.html's inline script, with a pasted or shared fragment: where it sends the page.
for (const c of input.cases.boot) {
  let replaced = null;
  const sandbox = {
    WebAssembly: {},
    document: { documentElement: { setAttribute() {} }, querySelectorAll: () => [] },
    location: { hash: c.hash, pathname: c.pathname, search: c.search, replace(to) { replaced = to; } },
    localStorage: { getItem: k => (k == "jmo.lang" ? c.remembered : null) },
    addEventListener() {},
  };
  vm.runInNewContext(input.boot, sandbox);
  out.boot.push(replaced);
}

// jmo-embed.js on a host page: the address of the frame it makes.
for (const c of input.cases.embed) {
  let frame = null;
  const script = { src: "https://widget.example/jmo-embed.js", getAttribute: n => c.attrs[n.replace(/^data-/, "")] ?? null, parentNode: { insertBefore(f) { frame = f; } }, nextSibling: null };
  const sandbox = {
    URL,
    document: {
      currentScript: script,
      querySelector: () => null,
      createElement: () => ({ style: {}, setAttribute() {}, src: "" }),
      referrer: "",
    },
    addEventListener() {},
  };
  sandbox.window = sandbox;
  vm.runInNewContext(input.embed, sandbox);
  out.embed.push(frame ? frame.src : null);
}

// host.js in the app's webview (its bridge `window.JmoHost`), told a language by the app: the
// address it moves the page to. (Its `export`s are dropped, to run it as a plain script.)
for (const c of input.cases.host) {
  let address = c.pathname + c.search;
  const sandbox = {
    location: { pathname: c.pathname, search: c.search },
    history: { replaceState(_, __, to) { address = to; } },
    JmoHost: { postMessage() {} },
    Event: class { constructor(t) { this.type = t; } },
    PopStateEvent: class { constructor(t) { this.type = t; } },
    dispatchEvent() {},
    addEventListener() {},
  };
  sandbox.window = sandbox.parent = sandbox;
  vm.runInNewContext(input.host.replace(/^export /gm, ""), sandbox);
  sandbox.jmoSelfHelp.receive(JSON.stringify({ protocol: "jmo-selfhelp", version: 1, type: "context", language: c.language }));
  out.host.push(address);
}
process.stdout.write(JSON.stringify(out));
