/* Every page: the collapsible staff menu on phones, and table cells labelled with their
   column heading so that narrow screens can show each row as a card (site.css). */
(function () {
  "use strict";

  function setUpMenu() {
    var header = document.querySelector(".site-header");
    var toggle = header && header.querySelector(".menu-toggle");
    if (!toggle) { return; }
    header.classList.add("menu-collapsible");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = header.classList.toggle("menu-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  function labelTableCells() {
    document.querySelectorAll("table.table").forEach(function (table) {
      var headings = Array.prototype.map.call(
        table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
      if (!headings.length) { return; }
      table.classList.add("cards-on-phone");
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.children, function (cell) {
          if (!cell.hasAttribute("data-label") && headings[column] && !cell.hasAttribute("colspan")) {
            cell.setAttribute("data-label", headings[column]);
          }
          column += cell.colSpan || 1;
        });
      });
    });
  }

  /* A <select data-options-url=… data-options-for=ID> fills the select ID with the
     options the server returns for the chosen value ({results: [{id, name}]}). */
  function setUpDependentSelects() {
    document.querySelectorAll("select[data-options-url][data-options-for]").forEach(function (source) {
      var target = document.getElementById(source.getAttribute("data-options-for"));
      if (!target) { return; }
      var placeholder = target.options.length ? target.options[0].cloneNode(true) : null;

      function fill(results) {
        var chosen = target.value;
        while (target.options.length) { target.remove(0); }
        if (placeholder) { target.appendChild(placeholder.cloneNode(true)); }
        results.forEach(function (item) {
          var option = document.createElement("option");
          option.value = String(item.id);
          option.textContent = item.name;
          if (option.value === chosen) { option.selected = true; }
          target.appendChild(option);
        });
      }

      function load() {
        if (!source.value) { fill([]); return; }
        var url = source.getAttribute("data-options-url") + "?" + encodeURIComponent(source.name) + "=" + encodeURIComponent(source.value);
        fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) { fill(data.results || []); })
          .catch(function () { /* the list stays as the server rendered it */ });
      }

      source.addEventListener("change", load);
      // After a refused POST the server has filled the list already; otherwise fill it now.
      if (source.value && target.options.length <= 1) { load(); }
    });
  }

  function start() {
    setUpMenu();
    labelTableCells();
    setUpDependentSelects();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
