// Sort and filter the claims and references of the page; without this script all is shown
// in document order.
(function () {
  "use strict";
  var controls = document.querySelector("[data-controls]");
  if (!controls) { return; }
  controls.hidden = false;
  var lists = Array.prototype.slice.call(document.querySelectorAll("[data-list]"));
  var sortBox = controls.querySelector("[data-sort]");
  var filters = Array.prototype.slice.call(controls.querySelectorAll("[data-filter]"));
  var shown = controls.querySelector("[data-shown]");

  function has(item, key, value) {
    return (" " + (item.getAttribute("data-" + key) || "") + " ").indexOf(" " + value + " ") >= 0;
  }

  function num(item, key) { return Number(item.getAttribute("data-" + key)); }

  function sort() {
    var bySeverity = sortBox.value === "severity";
    lists.forEach(function (list) {
      var items = Array.prototype.slice.call(list.children);
      items.sort(function (a, b) {
        return (bySeverity ? num(b, "sev") - num(a, "sev") : 0) || num(a, "order") - num(b, "order");
      });
      var frag = document.createDocumentFragment();
      items.forEach(function (item) { frag.appendChild(item); });
      list.appendChild(frag);
    });
  }

  function filter() {
    var wanted = filters.filter(function (f) { return f.value; });
    var total = 0, visible = 0;
    lists.forEach(function (list) {
      Array.prototype.forEach.call(list.children, function (item) {
        var ok = wanted.every(function (f) { return has(item, f.getAttribute("data-filter"), f.value); });
        if (item.hidden === ok) { item.hidden = !ok; }
        total += 1;
        if (ok) { visible += 1; }
      });
    });
    shown.textContent = wanted.length ? visible + " of " + total + " shown" : "";
  }

  sortBox.addEventListener("change", sort);
  filters.forEach(function (f) { f.addEventListener("change", filter); });
  if (sortBox.value !== "order") { sort(); }
  if (filters.some(function (f) { return f.value; })) { filter(); }
})();
