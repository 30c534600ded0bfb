// Live pages: re-fetch what a page shows when its WebSocket reconnects (messages sent
// while it was down are lost), react to the server's "the list changed" signal, show
// the server's banner when its database is down, open images full screen and close
// banners. Handlers live here, none inline: see the CSP in fotomalovanky/settings.py.
(function () {
  let openedBefore = false;

  let refreshTimer = null;

  function refreshLiveRegions() {
    // A burst of new orders (a bulk import) becomes one re-fetch, not one per order.
    if (refreshTimer) return;
    refreshTimer = setTimeout(function () {
      refreshTimer = null;
      document.querySelectorAll("[data-live-refresh]").forEach(function (el) {
        htmx.trigger(el, "live-refresh");
      });
    }, 300);
  }

  document.addEventListener("htmx:wsOpen", function () {
    // The first open follows the page load, which is fresh already.
    if (openedBefore) refreshLiveRegions();
    openedBefore = true;
    window.__socketOpen = true;
  });

  document.addEventListener("htmx:wsClose", function () {
    window.__socketOpen = false;
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    // htmx swaps no error response by default. The 503 the server sends while its
    // database is down names its place (HX-Retarget: the page's banner): show it there.
    const xhr = event.detail.xhr;
    if (xhr.status === 503 && xhr.getResponseHeader("HX-Retarget")) {
      event.detail.shouldSwap = true;
    }
    // 400 (not allowed now) and 422 (invalid settings) answers are the card or book panel
    // again, with the Czech reason in place: show them.
    if (xhr.status === 400 || xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:oobAfterSwap", function (event) {
    // A new order exists: every list re-fetches its own page, filter and search.
    if (event.detail.target && event.detail.target.id === "orders-signal") {
      refreshLiveRegions();
    }
  });

  // A stored picture that does not load: say why in its place (the media view answers
  // 404 for a missing file and 503 while the storage is away), not a broken image.
  const MEDIA_ERRORS = {
    404: "Soubor v úložišti chybí.",
    503: "Úložiště souborů je teď nedostupné, zkuste to prosím za chvíli.",
  };
  document.addEventListener("error", function (event) {
    const img = event.target;
    if (!(img instanceof HTMLImageElement) || !img.closest(".card .frame")) {
      return;
    }
    const frame = img.closest(".frame");
    fetch(img.src, { method: "HEAD", credentials: "same-origin", redirect: "manual" })
      .then(function (response) { return response.status; }, function () { return 0; })
      .then(function (status) {
        const note = document.createElement("span");
        note.className = "placeholder error-text";
        note.setAttribute("role", "status");
        note.textContent = MEDIA_ERRORS[status] || "Obrázek se nepodařilo načíst.";
        frame.querySelectorAll("img, [data-fullscreen]").forEach(function (el) { el.remove(); });
        frame.appendChild(note);
      });
  }, true);

  document.addEventListener("click", function (event) {
    const dismiss = event.target.closest(".banner .dismiss");
    if (dismiss) {
      dismiss.closest(".banner").remove();
      return;
    }
    const opener = event.target.closest("[data-fullscreen]");
    const dialog = document.getElementById("fullscreen");
    if (opener && dialog) {
      const img = dialog.querySelector("img");
      img.src = opener.dataset.fullscreen;
      img.alt = opener.dataset.alt || "Náhled obrázku";
      dialog.showModal();
    } else if (dialog && (event.target === dialog || event.target.closest("#fullscreen .close"))) {
      dialog.close();
    }
  });
})();
