// The modern listing's filter box: it narrows the rows to the names that
// contain what is typed, case-insensitively. Without this script the page
// simply has no box.
(() => {
  "use strict";
  const nav = document.querySelector("nav"), rows = document.querySelectorAll(".ls tbody tr");
  if (!nav || !rows.length) return;
  const label = document.createElement("label");
  label.className = "filter";
  label.textContent = "Filter ";
  const input = document.createElement("input");
  input.type = "search";
  input.autocomplete = "off";
  label.append(input);
  nav.prepend(label);
  const names = Array.from(rows, r => { const a = r.querySelector("td a"); return a ? a.textContent.toLowerCase() : ""; });
  input.addEventListener("input", () => {
    const q = input.value.trim().toLowerCase();
    rows.forEach((r, i) => { r.hidden = q !== "" && !names[i].includes(q); });
  });
})();
