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
  // On phones every data table reads as cards: each cell carries its column's name, so status and
  // actions stay on screen without sideways scrolling. A table can opt out with data-keep-table.
  var DATE = /^(\d{4}-\d{1,2}-\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日)( \d{1,2}:\d{2}(:\d{2})?)?$/;
  function tablesAsCards() {
    document.querySelectorAll("table.data:not([data-keep-table])").forEach(function (table) {
      var heads = table.querySelectorAll("thead th");
      if (!heads.length || table.querySelector("[colspan]")) return;
      var labels = Array.prototype.map.call(heads, function (th) { return th.textContent.trim(); });
      table.setAttribute("role", "table");
      heads.forEach(function (th) { th.setAttribute("role", "columnheader"); });
      table.querySelectorAll("tr").forEach(function (tr) { tr.setAttribute("role", "row"); });
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        Array.prototype.forEach.call(tr.children, function (cell, i) {
          cell.setAttribute("role", cell.tagName === "TH" ? "rowheader" : "cell");
          if (!cell.hasAttribute("data-label")) cell.setAttribute("data-label", labels[i] || "");
          if (DATE.test(cell.textContent.trim())) cell.classList.add("nowrap");
        });
      });
      table.classList.add("as-cards");
    });
  }
  // A form marked data-disable-on-submit (a long job's start) can be sent once: its buttons are
  // disabled on submit, the clicked one's name and value travel in a hidden field instead (a
  // disabled button is not sent) and it reads data-busy-label meanwhile.
  function disableOnSubmit(event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-disable-on-submit]")) return;
    if (form.dataset.submitted) { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    var clicked = event.submitter;
    if (clicked && clicked.name) {
      var carry = document.createElement("input");
      carry.type = "hidden";
      carry.name = clicked.name;
      carry.value = clicked.value;
      form.appendChild(carry);
    }
    window.setTimeout(function () {
      form.querySelectorAll("button, input[type=submit]").forEach(function (button) {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
      });
      if (clicked && form.dataset.busyLabel) clicked.textContent = form.dataset.busyLabel;
    }, 0);
  }
  document.addEventListener("submit", disableOnSubmit);
  // A running job's page ([data-job-poll]) fetches itself every 2 s and swaps in the fresh status
  // card until the job has ended; without script a <noscript> meta refresh does the same.
  function followJob() {
    if (!document.querySelector("[data-job-status][data-job-poll]")) return;
    function poll() {
      window.fetch(window.location.href, { credentials: "same-origin" })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-job-status]");
          var shown = document.querySelector("[data-job-status]");
          if (!fresh || !shown) return;
          shown.innerHTML = fresh.innerHTML;
          if (fresh.hasAttribute("data-job-poll")) window.setTimeout(poll, 2000);
          else shown.removeAttribute("data-job-poll");
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 2000);
  }
  // After a failed submit the error summary (base.html) takes focus, so it is read out and in
  // view; each of its links moves focus to its field, with the field's label scrolled into view
  // (a plain fragment link would only scroll, and a radio group's id is on its wrapper).
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) {
      // A refusal told only as a message (no field to link to) takes focus the same way.
      var refused = document.querySelector("[data-messages] .msg-error");
      if (refused) refused.parentNode.focus();
      return;
    }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      var field = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
      if (!field) return;
      event.preventDefault();
      var label = document.querySelector("label[for='" + CSS.escape(field.id) + "']");
      (label || field).scrollIntoView();
      field.focus({ preventScroll: true });
    });
  }
  document.addEventListener("DOMContentLoaded", focusErrorSummary);
  document.addEventListener("DOMContentLoaded", followJob);
  document.addEventListener("DOMContentLoaded", tablesAsCards);
  document.addEventListener("DOMContentLoaded", markScrollableTables);
  window.addEventListener("resize", markScrollableTables);
  document.addEventListener("click", closeOtherMenus);
})();
