// The print button: shown only where JavaScript runs (the sentence beside it serves the rest).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
