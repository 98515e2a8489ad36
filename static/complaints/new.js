/* Complaint form: narrow "is this yours?" to the chosen category (no inline scripts). */
(function () {
  "use strict";
  var box = document.getElementById("similar-box");
  var list = document.getElementById("similar-list");
  var category = document.getElementById("id_category");
  if (!box || !list || !category) { return; }

  function render(results) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    results.forEach(function (item) {
      var li = document.createElement("li");
      var tag = document.createElement("span");
      tag.className = "tag";
      tag.textContent = item.category;
      li.appendChild(tag);
      li.appendChild(document.createTextNode(" " + item.received + " · " + item.status));
      list.appendChild(li);
    });
    box.hidden = results.length === 0;
    if (results.length) { box.open = true; }
  }

  category.addEventListener("change", function () {
    var url = box.getAttribute("data-url") + "?compound=" +
      encodeURIComponent(box.getAttribute("data-compound")) +
      "&category=" + encodeURIComponent(category.value);
    fetch(url, { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) { render(data.results || []); })
      .catch(function () { /* the list shown by the server stays */ });
  });
})();
