// The top menu's groups are <details> disclosures and work without this script. With it, opening
// one group closes the others, Escape closes the open group (focus back on its summary), and
// focus or a click moving elsewhere closes it.
(function () {
  var groups = Array.prototype.slice.call(document.querySelectorAll("header.top .menu-group details"));
  function closeOthers(kept) {
    groups.forEach(function (group) { if (group !== kept) { group.open = false; } });
  }
  groups.forEach(function (group) {
    group.addEventListener("toggle", function () { if (group.open) { closeOthers(group); } });
    group.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !group.contains(event.relatedTarget)) { group.open = false; }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    groups.forEach(function (group) {
      if (group.open) { group.open = false; group.querySelector("summary").focus(); }
    });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("header.top .menu-group")) { closeOthers(null); }
  });
})();
