// Small enhancements on every page; each page works without them.
(function () {
  "use strict";
  // Wide tables scroll sideways inside .table-wrap: make each scrollable one reachable by keyboard
  // and say so on phones, where the hidden columns are otherwise easy to miss.
  function markScrollableTables() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var scrollable = wrap.scrollWidth > wrap.clientWidth + 1;
      wrap.classList.toggle("is-scrollable", scrollable);
      if (scrollable) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        if (!wrap.hasAttribute("aria-label")) wrap.setAttribute("aria-label", document.body.dataset.tableLabel);
        wrap.dataset.hint = document.body.dataset.scrollHint;
      }
    });
  }
  // Only one drop-down of the desktop top bar open at a time; a click elsewhere closes it.
  function closeOtherMenus(event) {
    document.querySelectorAll(".topbar-drop[open]").forEach(function (drop) {
      if (!drop.contains(event.target)) drop.removeAttribute("open");
    });
  }
  document.addEventListener("DOMContentLoaded", markScrollableTables);
  window.addEventListener("resize", markScrollableTables);
  document.addEventListener("click", closeOtherMenus);
})();
