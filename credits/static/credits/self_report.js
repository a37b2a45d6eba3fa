// Shows the hours a self-report will carry: quantity x the chosen rule's hours per unit.
(function () {
  "use strict";
  var form = document.getElementById("self-report-form");
  if (!form) { return; }
  var rule = form.querySelector("[name=conversion_rule]");
  var quantity = form.querySelector("[name=quantity]");
  var out = document.getElementById("computed-hours");
  function update() {
    var row = rule && rule.value ? document.querySelector('tr[data-rule="' + rule.value + '"]') : null;
    var q = parseFloat(quantity.value);
    if (!row || !(q > 0)) { out.textContent = "—"; return; }
    var hours = Math.round(parseFloat(row.getAttribute("data-hours")) * q * 10) / 10;
    // 24, 1.5: no needless ".0" (as the portal writes hours everywhere).
    out.textContent = hours.toFixed(1).replace(/\.0$/, "");
  }
  rule.addEventListener("change", update);
  quantity.addEventListener("input", update);
  update();
})();
