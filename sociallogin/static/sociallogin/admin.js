// Social login admin page: a provider's fields show only while its ON switch is ticked.
// Without JavaScript every field stays visible and the server still validates.
(function () {
  "use strict";
  function sync(fieldset) {
    var box = fieldset.querySelector(".sl-switch input[type=checkbox]");
    var fields = fieldset.querySelector(".sl-fields");
    if (!box || !fields) { return; }
    var hasErrors = fields.querySelector(".errorlist") !== null;
    fields.hidden = !box.checked && !hasErrors;
    box.setAttribute("aria-expanded", String(!fields.hidden));
    box.setAttribute("aria-controls", fields.id);
  }
  document.querySelectorAll(".sl-provider").forEach(function (fieldset) {
    var box = fieldset.querySelector(".sl-switch input[type=checkbox]");
    sync(fieldset);
    if (box) { box.addEventListener("change", function () { sync(fieldset); }); }
  });
})();
