// The score sheet adds points: show the sum of the criteria as the expert types.
// The server computes and validates the same sum (selection.services.rubric_total).
(function () {
  "use strict";
  var form = document.querySelector("form[data-score-sheet]");
  if (!form) return;
  var inputs = form.querySelectorAll("input[data-points]");
  var out = form.querySelector("[data-score-total]");
  function update() {
    var tenths = 0;
    inputs.forEach(function (input) {
      var value = parseFloat(input.value);
      if (!isNaN(value)) tenths += Math.round(value * 10);
    });
    out.textContent = (tenths / 10).toFixed(1).replace(/\.0$/, "");
  }
  inputs.forEach(function (input) { input.addEventListener("input", update); });
  update();
})();
