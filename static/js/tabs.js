// Opens the tab named in the address (#health) and keeps the address in step when a tab is chosen,
// so that "save" can bring the user back to the tab they were on.
(function () {
  function show(id) {
    var button = document.getElementById("tab-" + id);
    if (button && window.bootstrap) { window.bootstrap.Tab.getOrCreateInstance(button).show(); }
  }
  if (location.hash) { show(location.hash.slice(1)); }
  window.addEventListener("hashchange", function () { show(location.hash.slice(1)); });
  document.querySelectorAll('[data-bs-toggle="tab"]').forEach(function (button) {
    button.addEventListener("shown.bs.tab", function () {
      history.replaceState(null, "", "#" + button.getAttribute("aria-controls"));
    });
  });
})();
