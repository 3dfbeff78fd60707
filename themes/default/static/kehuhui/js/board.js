// Starts machina's scripts on forum pages without inline script (Content-Security-Policy).
// machina's templates name what a page needs in their "onbodyload" block ("machina.poll.init();");
// board_base.html puts that text in data-machina-onload, and the named modules are started here,
// by name, never evaluated.
$(function () {
  machina.init();
  var holder = document.querySelector("[data-machina-onload]");
  if (!holder) return;
  var calls = holder.getAttribute("data-machina-onload").match(/machina\.\w+\.init\(\)/g) || [];
  calls.forEach(function (call) {
    var module = machina[call.split(".")[1]];
    if (module && typeof module.init === "function") module.init();
  });
});
