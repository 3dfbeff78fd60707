// Campaigns: the live count of a segment while its filters change, and the SMS length counter.
(function () {
  var box = document.querySelector("[data-count-url]");
  var segmentForm = document.querySelector(".segment-form");
  if (box && segmentForm) {
    var timer = null;
    var refresh = function () {
      var params = new URLSearchParams(new FormData(segmentForm));
      params.delete("csrfmiddlewaretoken");
      fetch(box.dataset.countUrl + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (data.errors) return;
          ["members", "mail", "sms", "site"].forEach(function (key) {
            var el = box.querySelector('[data-reach="' + key + '"]');
            if (el) el.textContent = data[key];
          });
        });
    };
    var later = function () { clearTimeout(timer); timer = setTimeout(refresh, 300); };
    segmentForm.addEventListener("input", later);
    segmentForm.addEventListener("change", later);
    refresh();
  }

  var counter = document.querySelector("[data-testid='sms-counter']");
  var text = document.querySelector("[data-sms-counter]");
  if (counter && text) {
    var form = text.form;
    var update = function () {
      var kind = form.querySelector("[name='kind']");
      var time = form.querySelector("[name='activity_time']");
      var values = {
        name: counter.dataset.sampleName,
        level: counter.dataset.sampleLevel,
        points: counter.dataset.samplePoints,
        activity_time: time ? time.value : ""
      };
      var rendered = text.value.replace(/\{(\w+)\}/g, function (all, name) {
        return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : all;
      });
      if (kind && kind.value === "marketing") rendered += counter.dataset.optOut;
      var length = Array.from(rendered).length;
      var segments = length === 0 ? 0 : (length <= 70 ? 1 : Math.ceil(length / 67));
      counter.querySelector("[data-sms-chars]").textContent = length;
      counter.querySelector("[data-sms-segments]").textContent = segments;
      var max = form.querySelector("[name='sms_max_segments']");
      counter.classList.toggle("text-danger", !!(max && segments > parseInt(max.value || "1", 10)));
    };
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  }
})();
