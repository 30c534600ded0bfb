// Copy buttons (data-copy="<element id>"): the e-mail drafts on the order page.
// One listener on the document, so buttons in fragments swapped in later (htmx, the
// WebSocket push) work too. The result is said in the button's status region
// (.copy-status, role="status") so screen readers announce it.
(function () {
  "use strict";

  function fallbackCopy(text) {
    // Without the asynchronous clipboard (plain HTTP, an older browser): a hidden
    // textarea and the legacy copy command.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try {
      done = document.execCommand("copy");
    } catch (error) {
      done = false;
    }
    document.body.removeChild(area);
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return fallbackCopy(text);
      });
    }
    return fallbackCopy(text);
  }

  function statusOf(button) {
    var scope = button.closest("article, section, div") || document.body;
    return scope.querySelector(".copy-status");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) {
      return;
    }
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) {
      return;
    }
    var status = statusOf(button);
    copy(source.textContent.trim()).then(
      function () {
        if (status) {
          status.textContent = "Zkopírováno";
        }
      },
      function () {
        if (status) {
          status.textContent = "Kopírování se nepodařilo, označte text ručně.";
        }
      }
    );
  });
})();
