/* zwgk report: sortable and filterable tables. Plain DOM, no dependency, works from file://.
   Reads cell text (or data-sort) and never writes HTML, so stored text stays text. */
(function () {
  "use strict";

  function key(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var value = cell.getAttribute("data-sort");
    return (value === null ? cell.textContent : value).trim();
  }

  function isNumber(text) {
    return text !== "" && !isNaN(Number(text.replace(/[,%]/g, "")));
  }

  function compare(a, b) {
    if (a === b) return 0;
    if (a === "" || a === "—") return 1;  // empty cells last either way: see sortBy
    if (b === "" || b === "—") return -1;
    if (isNumber(a) && isNumber(b)) return Number(a.replace(/[,%]/g, "")) - Number(b.replace(/[,%]/g, ""));
    return a.localeCompare(b, document.documentElement.lang || "zh-CN", { numeric: true });
  }

  function sortBy(table, th, index) {
    var body = table.tBodies[0];
    if (!body) return;
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(th.parentNode.cells, function (cell) { cell.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows).map(function (row, i) {
      return { row: row, key: key(row, index), i: i };
    });
    rows.sort(function (x, y) {
      var xe = x.key === "" || x.key === "—", ye = y.key === "" || y.key === "—";
      if (xe !== ye) return xe ? 1 : -1;
      var c = compare(x.key, y.key);
      return (ascending ? c : -c) || x.i - y.i;
    });
    var fragment = document.createDocumentFragment();
    rows.forEach(function (r) { fragment.appendChild(r.row); });
    body.appendChild(fragment);
  }

  function count(table) {
    var out = document.querySelector('[data-count-for="' + table.id + '"]');
    if (!out || !table.tBodies[0]) return;
    var rows = table.tBodies[0].rows, shown = 0;
    for (var i = 0; i < rows.length; i++) if (!rows[i].hidden) shown++;
    out.textContent = (out.getAttribute("data-template") || "{shown} / {total}")
      .replace("{shown}", shown).replace("{total}", rows.length);
  }

  // A table's filters: its text box (words anywhere in the row) and its facet controls (select or
  // input with data-facet: the row's data-<facet> attribute must equal, or for inputs contain, the value).
  function apply(table) {
    var box = document.querySelector('input.filter[data-table="' + table.id + '"]');
    var words = box ? box.value.toLowerCase().split(/\s+/).filter(Boolean) : [];
    var facets = Array.prototype.filter.call(
      document.querySelectorAll('[data-facet][data-table="' + table.id + '"]'), function (c) { return c.value; });
    var rows = table.tBodies[0] ? table.tBodies[0].rows : [];
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i], content = words.length ? row.textContent.toLowerCase() : "";
      var shown = words.every(function (w) { return content.indexOf(w) !== -1; }) && facets.every(function (c) {
        var value = row.getAttribute("data-" + c.getAttribute("data-facet")) || "";
        return c.tagName === "SELECT" ? value === c.value : value.toLowerCase().indexOf(c.value.toLowerCase()) !== -1;
      });
      row.hidden = !shown;
    }
    count(table);
  }

  // A list split over pages (the findings list of a large run): a select with data-goto opens the
  // page of the chosen value (its option's data-value), carrying the other chosen filters in the
  // address (#region=…&severity=…); a page applies the filters its address names, and opens the
  // page a data-goto select names for that value. Values are compared, never put into selectors.
  function chosen(select) {
    if (!select.hasAttribute("data-goto")) return select.value;
    var option = select.options[select.selectedIndex];
    return option ? option.getAttribute("data-value") || "" : "";
  }

  function carried(except) {
    var out = [];
    Array.prototype.forEach.call(document.querySelectorAll("select[data-facet], select[data-goto]"), function (s) {
      var name = s.getAttribute("data-facet") || s.getAttribute("data-goto"), value = chosen(s);
      if (name !== except && value) out.push(encodeURIComponent(name) + "=" + encodeURIComponent(value));
    });
    return out.length ? "#" + out.join("&") : "";
  }

  function fromAddress() {
    var hash = location.hash.replace(/^#/, ""), target = null;
    if (hash.indexOf("=") === -1) return false;
    hash.split("&").forEach(function (pair) {
      var i = pair.indexOf("=");
      if (i < 1) return;
      var name, value;
      try {
        name = decodeURIComponent(pair.slice(0, i));
        value = decodeURIComponent(pair.slice(i + 1));
      } catch (e) { return; }
      Array.prototype.forEach.call(document.querySelectorAll("select[data-facet], select[data-goto]"), function (s) {
        if ((s.getAttribute("data-facet") || s.getAttribute("data-goto")) !== name) return;
        Array.prototype.forEach.call(s.options, function (o, index) {
          if (s.hasAttribute("data-goto")) {
            if (o.getAttribute("data-value") === value && index !== s.selectedIndex && !target) target = o.value;
          } else if (o.value === value) {
            s.value = value;
          }
        });
      });
    });
    if (target) {
      var keep = hash.split("&").filter(function (pair) {
        var name = pair.slice(0, pair.indexOf("="));
        return !Array.prototype.some.call(document.querySelectorAll("select[data-goto]"), function (s) {
          return encodeURIComponent(s.getAttribute("data-goto")) === name;
        });
      });
      location.href = target + (keep.length ? "#" + keep.join("&") : "");
      return true;
    }
    return false;
  }

  function setup() {
    if (fromAddress()) return;
    Array.prototype.forEach.call(document.querySelectorAll("select[data-goto]"), function (select) {
      select.addEventListener("change", function () {
        location.href = select.value + carried(select.getAttribute("data-goto"));
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
      if (!table.tHead) return;
      var header = table.tHead.rows[table.tHead.rows.length - 1];
      Array.prototype.forEach.call(header.cells, function (th, index) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "sort";
        while (th.firstChild) button.appendChild(th.firstChild);
        th.appendChild(button);
        button.addEventListener("click", function () { sortBy(table, th, index); });
      });
      count(table);
    });
    Array.prototype.forEach.call(document.querySelectorAll("input.filter, [data-facet]"), function (control) {
      var table = document.getElementById(control.getAttribute("data-table"));
      if (!table) return;
      control.addEventListener(control.tagName === "SELECT" ? "change" : "input", function () { apply(table); });
      if (control.value) apply(table);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
