// The requirement form without the part that does not apply: the course picker for a 指定课程
// requirement, the topic and hours for 专题学时. Without JavaScript both parts show, each saying when
// it applies; the server ignores the part the chosen kind does not use.
(function () {
  "use strict";
  var form = document.querySelector("form.requirement-form");
  if (!form) { return; }
  var kind = form.querySelector("[name=kind]");
  var parts = form.querySelectorAll("[data-kind]");
  function update() {
    for (var i = 0; i < parts.length; i++) {
      parts[i].hidden = parts[i].getAttribute("data-kind") !== kind.value;
    }
  }
  kind.addEventListener("change", update);
  update();
})();
