// Small behaviours on top of htmx; no inline scripts anywhere (the CSP forbids them).
(function () {
  "use strict";

  // The words come from #htmx-error's data-* (base.html), translated; a poll the reader did not ask for (the bell,
  // data-quiet-poll) says nothing when it fails: opened offline from the phone's cache, a kept page would otherwise
  // greet the mentor with "the connection was lost" before they have done anything; nor does its success hide what
  // went wrong with something the reader did.
  function showError(event, name, status) {
    var box = document.getElementById("htmx-error");
    if (!box || event.detail.elt.closest("[data-quiet-poll]")) return;
    box.textContent = box.dataset[name].replace("{status}", status);
    box.hidden = false;
  }

  function hideError() {
    var box = document.getElementById("htmx-error");
    if (box) box.hidden = true;
  }

  document.addEventListener("htmx:sendError", function (event) {
    showError(event, "lost");
  });

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    if (status === 401) return; // HX-Redirect takes the user to the login page
    showError(event, status === 403 ? "forbidden" : status === 404 ? "gone" : "failed", status);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful && !event.detail.elt.closest("[data-quiet-poll]")) hideError();
  });

  // Buttons that ask before doing something hard to undo: <button data-confirm="Sure?">.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // A date input's day in the reader's language, in its <output id="INPUT-ID-day"> (core.formatting.day_said):
  // the browser writes the input in its own locale, which is often not the page's.
  function sayDay(input) {
    var out = input.id && document.getElementById(input.id + "-day");
    if (!out || !out.classList.contains("day-said")) return;
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.value);
    var months = out.dataset.months.split(",");
    out.textContent = parts ? Number(parts[3]) + " " + months[Number(parts[2]) - 1] + " " + parts[1] : "";
  }

  // A wide grid scrolls sideways in its own region (its first column sticky there, by CSS), so position: sticky cannot
  // keep its header row at the top as the page scrolls down: this moves the header row by what the grid's top has
  // gone above the screen, never past its last row. Reads every grid first, then writes (no layout between them).
  var pinning = false;
  function pinHeads() {
    pinning = false;
    var heads = document.querySelectorAll(".pin-head > table > thead");
    var shifts = [];
    for (var i = 0; i < heads.length; i++) {
      var table = heads[i].parentNode;
      var room = table.offsetHeight - heads[i].offsetHeight;
      shifts.push(Math.max(0, Math.min(-table.getBoundingClientRect().top, room)));
    }
    for (var j = 0; j < heads.length; j++) {
      var transform = shifts[j] ? "translateY(" + shifts[j] + "px)" : "";
      var cells = heads[j].querySelectorAll("th, td");
      for (var k = 0; k < cells.length; k++) cells[k].style.transform = transform;
    }
  }
  function schedulePin() {
    if (pinning || !document.querySelector(".pin-head")) return;
    pinning = true;
    window.requestAnimationFrame(pinHeads);
  }
  window.addEventListener("scroll", schedulePin, {passive: true});
  window.addEventListener("resize", schedulePin);
  document.addEventListener("htmx:afterSettle", schedulePin);
  schedulePin();

  ["input", "change"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (event.target.matches && event.target.matches("input[type=date]")) sayDay(event.target);
    });
  });
})();
