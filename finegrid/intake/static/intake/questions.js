// The chosen category's extra questions show; the others' are hidden and disabled (not sent).
// Shared by the resident's report page and the patrol page.
(function () {
  "use strict";
  var category = document.getElementById("category");
  if (!category) return;
  function show() {
    document.querySelectorAll("fieldset.questions").forEach(function (set) {
      var shown = set.dataset.category === category.value;
      set.hidden = !shown; set.disabled = !shown;
    });
  }
  category.addEventListener("change", show);
  show();
})();
