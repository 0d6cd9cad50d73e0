// A table wider than the screen scrolls in its .table-responsive box; a keyboard user scrolls it once the box can
// take the focus (WCAG 2.1.1). Only the boxes that overflow get a tab stop, and again when the window is resized.
(function () {
  function mark() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }
  mark();
  window.addEventListener("resize", mark);
})();
