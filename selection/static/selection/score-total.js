// The score sheet adds points: show the sum of the criteria as the expert types. A value outside
// a criterion's range (below 0, above its maximum) is not added: it is marked as an error next
// to its field until corrected. The server computes and validates the same sum
// (selection.services.rubric_total) and refuses such a value whatever this script shows.
(function () {
  "use strict";
  var form = document.querySelector("form[data-score-sheet]");
  if (!form) return;
  var inputs = form.querySelectorAll("input[data-points]");
  var out = form.querySelector("[data-score-total]");
  var rangeText = form.dataset.rangeError || "";

  function errorFor(input) {
    var id = input.id + "-range";
    var error = document.getElementById(id);
    if (!error) {
      error = document.createElement("p");
      error.id = id;
      error.className = "score-range-error";
      error.hidden = true;
      input.insertAdjacentElement("afterend", error);
    }
    return error;
  }

  function check(input) {
    var value = parseFloat(input.value);
    var max = parseFloat(input.max);
    var bad = !isNaN(value) && (value < 0 || (!isNaN(max) && value > max));
    var error = errorFor(input);
    error.hidden = !bad;
    error.textContent = bad ? rangeText.replace("%(max)s", String(parseFloat(input.max))) : "";
    if (bad) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", error.id);
    } else {
      input.removeAttribute("aria-invalid");
      if (input.getAttribute("aria-describedby") === error.id) input.removeAttribute("aria-describedby");
    }
    return bad || isNaN(value) ? 0 : Math.round(value * 10);
  }

  function update() {
    var tenths = 0;
    inputs.forEach(function (input) { tenths += check(input); });
    out.textContent = (tenths / 10).toFixed(1).replace(/\.0$/, "");
  }
  inputs.forEach(function (input) { input.addEventListener("input", update); });
  update();
})();
