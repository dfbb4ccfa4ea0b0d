/* Kyoso workspace: follows a running import (the page works without this file: reload it). */
(function () {
  "use strict";
  var box = document.querySelector("[data-poll-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-poll-url");
  var bar = document.getElementById("import-bar");
  var done = document.getElementById("import-done");
  var total = document.getElementById("import-total");
  var status = document.getElementById("import-status");
  var delay = 1000;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (job) {
        bar.value = job.progress;
        bar.textContent = job.progress + "%";
        status.textContent = job.status_label;
        done.textContent = job.rows_done;
        total.textContent = job.rows_total;
        if (job.finished) {
          window.location.reload();
        } else {
          delay = Math.min(delay * 1.5, 10000);
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, delay);
}());
