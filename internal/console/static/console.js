// Passerelle console: live counts on the campaign form. As staff type, the
// count of each text (characters, GSM-7 or UCS-2, SMS segments) is shown
// at once; as they type or tick, the audience, segments and cost are asked
// of the server (the same computation as the "Preview" button, which works
// without this script). No other script runs on the console.
(function () {
  "use strict";
  var basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡" +
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var ext = "\f^{}\\[~]|€";
  function count(s) {
    var units = 0, gsm = true, chars = 0;
    for (var ch of s) {
      chars++;
      if (basic.indexOf(ch) >= 0) { units += 1; } else if (ext.indexOf(ch) >= 0) { units += 2; } else { gsm = false; }
    }
    if (!gsm) { units = s.length; }
    var single = gsm ? 160 : 70, part = gsm ? 153 : 67;
    var segs = units === 0 ? 0 : (units <= single ? 1 : Math.ceil(units / part));
    return [chars, gsm ? "gsm7" : "ucs2", segs];
  }
  function show(area) {
    var out = document.getElementById(area.getAttribute("data-count"));
    if (!out) { return; }
    var v = count(area.value), i = 0;
    out.textContent = out.getAttribute("data-fmt").replace(/%[ds]/g, function () { return String(v[i++]); });
  }
  document.querySelectorAll("textarea[data-count]").forEach(function (area) {
    area.addEventListener("input", function () { show(area); });
  });

  var form = document.querySelector("form[data-preview]"), live = document.getElementById("live");
  if (!form || !live) { return; }
  var timer = null, asked = 0;
  function ask() {
    var n = ++asked;
    fetch(form.getAttribute("data-preview"), {method: "POST", credentials: "same-origin",
      body: new URLSearchParams(new FormData(form))})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p || n !== asked) { return; }
        document.getElementById("live-audience").textContent = p.audience;
        document.getElementById("live-segments").textContent = p.segments;
        document.getElementById("live-cost").textContent = p.cost;
        live.hidden = false;
      })
      .catch(function () { live.hidden = true; });
  }
  function later() { clearTimeout(timer); timer = setTimeout(ask, 400); }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  ask();
})();
