// Skip logic on a survey page: show a question only when the answer it depends on is chosen.
(function () {
  var form = document.querySelector(".survey-form");
  if (!form) return;
  function answered(key) {
    return Array.prototype.map.call(form.querySelectorAll('[name="q-' + key + '"]:checked'), function (el) { return el.value; });
  }
  function update() {
    form.querySelectorAll("[data-show-if]").forEach(function (fs) {
      var shown = answered(fs.dataset.showIf).indexOf(fs.dataset.showIfAnswer) >= 0;
      var parent = form.querySelector('[data-question="' + fs.dataset.showIf + '"]');
      if (parent && parent.hidden) shown = false;
      fs.hidden = !shown;
    });
  }
  form.addEventListener("change", update);
  update();
})();
