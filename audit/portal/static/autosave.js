// Saving as you type on the questionnaire (l3audit portal, docs/portal.md).
// Each row's form is posted in the background after a short pause in typing, with its own CSRF
// token, asking for JSON; the row then says "saved" or "not saved" (texts from the message
// catalogue, given by the page in data- attributes). Without this script the row's button saves.
// Loaded from our own origin only (CSP script-src 'self'); it never writes HTML, only textContent.
"use strict";
(function () {
  var PAUSE_MS = 800;

  function show(form, key, failed) {
    var status = form.querySelector(".autosave-status");
    if (!status) { return; }
    status.textContent = form.getAttribute(key) || "";
    status.classList.toggle("failed", Boolean(failed));
    status.classList.toggle("ok", !failed && key === "data-saved-text");
  }

  function save(form) {
    show(form, "data-saving-text", false);
    var body = new URLSearchParams(new FormData(form));
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: {"Accept": "application/json"}
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      show(form, data && data.saved ? "data-saved-text" : "data-not-saved-text", !(data && data.saved));
    }).catch(function () {
      show(form, "data-not-saved-text", true);
    });
  }

  function watch(form) {
    var timer = null;
    function later() {
      if (timer !== null) { clearTimeout(timer); }
      timer = setTimeout(function () { timer = null; save(form); }, PAUSE_MS);
    }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
  }

  document.querySelectorAll("form[data-autosave]").forEach(watch);
}());
