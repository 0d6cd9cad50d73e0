// Filters folded on a phone, open on a wider screen: a <details data-open-wide> opens itself from 768 px (the
// width where Bootstrap's md columns start), so a desktop sees every filter and a phone the first record.
(function () {
  if (!window.matchMedia || !window.matchMedia("(min-width: 768px)").matches) { return; }
  document.querySelectorAll("details[data-open-wide]").forEach(function (details) { details.open = true; });
})();
