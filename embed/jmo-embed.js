/*! JMO Self-Help embed, protocol jmo-selfhelp v1 (docs/embedding.md). Usage:
<script src="https://<widget host>/jmo-embed.js" data-guide="login" data-lang="en"></script> */
(function () {
  var P = "jmo-selfhelp", w = window, d = document, s = d.currentScript, ID = /^[a-z0-9_-]{1,48}$/;
  if (!s || !s.src) return;
  var api = w.JmoSelfHelp;
  if (!api || !api.frames) {
    // Shared by every embed on the page; a context set before this script loaded is kept.
    api = w.JmoSelfHelp = {
      context: (api && api.context) || {},
      frames: [],
      setContext: function (c) {
        for (var k in c) api.context[k] = c[k];
        api.frames.forEach(function (f) { f.tell(); });
      }
    };
  }
  var at = function (n) { return s.getAttribute("data-" + n) || ""; };
  var guide = at("guide"), node = at("node"), lang = at("lang"), answers = at("answers"), q = [];
  var base = new URL(at("src") || "/", s.src), origin = base.origin;
  if (ID.test(guide) && /^[a-z0-9_.~-]*$/.test(answers) && answers) q.push("a=" + answers);
  if (lang == "id" || lang == "en") q.push("lang=" + lang);
  q.push("embed=1");
  // The step's page (`/login/otp_missing?…&embed=1`), drawn by the widget's server.
  var url = new URL("/" + (ID.test(guide) ? guide + (ID.test(node) ? "/" + node : "") : "") + "?" + q.join("&"), base);

  var frame = d.createElement("iframe"), box = at("target") && d.querySelector(at("target")), ready = 0;
  frame.src = url.href;
  frame.title = at("title") || "Bantuan Mandiri JMO";
  frame.setAttribute("loading", "eager");
  frame.setAttribute("scrolling", "no");
  // The height until the widget reports its own: reserved up front, so the page does not jump.
  var st = frame.style;
  st.display = "block"; st.width = "100%"; st.border = "0"; st.overflow = "hidden";
  st.height = (parseInt(at("height"), 10) || 560) + "px";
  box ? box.appendChild(frame) : s.parentNode.insertBefore(frame, s.nextSibling);

  var me = {
    frame: frame,
    // host → widget: the context, to the widget's exact origin only, once it is ready.
    tell: function () {
      if (!ready) return;
      var c = api.context, p = c.prefill;
      frame.contentWindow.postMessage({
        protocol: P, version: 1, type: "context",
        language: c.language || lang || undefined, appVersion: c.appVersion, platform: c.platform || "web",
        prefill: p ? { name: p.name, kpj: p.kpj } : undefined
      }, origin);
    }
  };
  api.frames.push(me);

  // widget → host: only from this frame's window and the widget's origin; re-dispatched as
  // DOM events (`jmo:ready`, `jmo:step`…) that bubble from the iframe to the document.
  w.addEventListener("message", function (e) {
    var m = e.data, detail = {};
    if (e.source !== frame.contentWindow || e.origin !== origin || !m || m.protocol !== P || m.version !== 1 || !/^[a-z]{1,20}$/.test(m.type)) return;
    if (m.type == "resize" && m.height > 0) st.height = Math.ceil(Math.min(m.height, 1e5)) + "px";
    if (m.type == "ready") { ready = 1; me.tell(); }
    for (var k in m) if (k != "protocol" && k != "version" && k != "type") detail[k] = m[k];
    frame.dispatchEvent(new CustomEvent("jmo:" + m.type, { bubbles: true, detail: detail }));
  });
})();
