// The review workspace: one photo shown at a time, moved by keyboard; the reasons of a
// rejection opened with R and picked by their key. The tab's current photo survives
// every swap (a verdict's answer, a live push, a reconnect's re-fetch); only a verdict's
// answer moves it (data-chosen: the server's next page to judge). No framework, and no
// inline handler (the CSP forbids them).
(function () {
  let current = null;
  // A verdict is on its way: keys wait for its answer, so a quick second press can
  // neither judge the same page twice nor click a form htmx has not taken over yet.
  let busy = false;

  function workspace() { return document.getElementById("review"); }

  function photos() {
    return Array.from(document.querySelectorAll("[data-photo-link]")).map(function (a) {
      return a.dataset.photoLink;
    });
  }

  function show(id) {
    const panels = document.querySelectorAll(".review-photo");
    if (!document.getElementById("review-photo-" + id)) {
      id = panels.length ? panels[0].dataset.photo : null;
    }
    current = id;
    panels.forEach(function (panel) { panel.hidden = panel.dataset.photo !== id; });
    document.querySelectorAll("[data-photo-link]").forEach(function (a) {
      if (a.dataset.photoLink === id) a.setAttribute("aria-current", "true");
      else a.removeAttribute("aria-current");
    });
    const el = workspace();
    if (el) el.dataset.current = id || "";
  }

  function adopt() {
    busy = false;
    const el = workspace();
    if (!el) return;
    if (el.dataset.chosen || current === null) {
      const moved = Boolean(el.dataset.chosen);
      delete el.dataset.chosen;
      show(el.dataset.current);
      // After a verdict the judged panel is gone: put focus on the photo now shown, so
      // keyboard and screen-reader users continue from there, not from the page's top.
      const heading = moved && panel() && panel().querySelector("h2");
      if (heading) heading.focus({ preventScroll: true });
    } else {
      show(current);
    }
  }

  function move(delta) {
    const ids = photos();
    if (!ids.length) return;
    const at = ids.indexOf(current);
    const next = ids[(at + delta + ids.length) % ids.length];
    show(next);
    history.replaceState(null, "", "?photo=" + next);
  }

  function panel() { return document.getElementById("review-photo-" + current); }

  function reasons() { const p = panel(); return p && p.querySelector("[data-review-reasons]"); }

  function onKey(event) {
    if (!workspace() || event.ctrlKey || event.metaKey || event.altKey) return;
    if (busy) {
      event.preventDefault();
      return;
    }
    if (event.target.closest("input, textarea, select")) return;
    const open = reasons() && reasons().open ? reasons() : null;
    if (event.key === "Escape" && open) {
      open.open = false;
      open.querySelector("summary").focus();
    } else if (open && /^[0-9]$/.test(event.key)) {
      const button = open.querySelector('[data-reason-key="' + event.key + '"]');
      if (button) button.click();
    } else if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      move(event.key === "ArrowLeft" ? -1 : 1);
    } else if (event.key === "a" || event.key === "A") {
      const approve = panel() && panel().querySelector("[data-review-approve]");
      if (approve) approve.click();
    } else if ((event.key === "r" || event.key === "R") && reasons()) {
      reasons().open = true;
      reasons().querySelector(".reason").focus();
    } else {
      return;
    }
    event.preventDefault();
  }

  document.addEventListener("keydown", onKey);
  document.addEventListener("click", function (event) {
    const link = event.target.closest("[data-photo-link]");
    if (!link) return;
    event.preventDefault();
    show(link.dataset.photoLink);
    history.replaceState(null, "", "?photo=" + link.dataset.photoLink);
  });
  document.addEventListener("htmx:configRequest", function (event) {
    // A reconnect's re-fetch of the workspace asks for this tab's photo.
    if (event.detail.elt === workspace() && event.detail.verb === "get" && current) {
      event.detail.parameters.photo = current;
    }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt.closest && event.detail.elt.closest("#review form")) busy = true;
  });
  ["htmx:responseError", "htmx:sendError", "htmx:timeout"].forEach(function (name) {
    document.addEventListener(name, function () { busy = false; });
  });
  document.addEventListener("DOMContentLoaded", adopt);
  document.addEventListener("htmx:afterSettle", adopt);
  document.addEventListener("htmx:wsAfterMessage", adopt);
})();
