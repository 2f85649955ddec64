// Passerelle console: the live count of a campaign text as it is typed
// (characters, GSM-7 or UCS-2, SMS segments). The "Preview" button gives
// the same count from the server, with the audience and the cost; this
// script only saves a click. No other script runs on the console.
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
})();
