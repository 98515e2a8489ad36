/* Workbench: a chosen reply template fills the note (no inline scripts). */
(function () {
  "use strict";
  document.querySelectorAll("select.reply-template").forEach(function (select) {
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var target = document.getElementById(select.getAttribute("data-target"));
      if (target && option && option.getAttribute("data-text")) {
        target.value = option.getAttribute("data-text");
      }
    });
  });
})();
