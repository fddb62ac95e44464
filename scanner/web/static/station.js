// Review station: keyboard and buttons post decisions with the session's CSRF token.
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf"]').content;
  const item = document.getElementById("item");
  const message = document.getElementById("message");

  function go(key) {
    window.location.href = key ? "/queue?item=" + encodeURIComponent(key) : "/queue";
  }

  async function post(url, fields) {
    const body = new URLSearchParams(fields);
    const response = await fetch(url, {
      method: "POST",
      headers: { "X-CSRF-Token": csrf, "Content-Type": "application/x-www-form-urlencoded" },
      body: body,
      credentials: "same-origin",
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (!response.ok) {
      throw new Error(data.error || response.status + " " + response.statusText);
    }
    return data;
  }

  function comment() {
    const field = document.getElementById("comment");
    return field ? field.value : "";
  }

  function show(text, bad) {
    if (message) {
      message.textContent = text;
      message.className = "message" + (bad ? " bad" : " good");
    }
  }

  async function decide(reading, level) {
    if (!item || item.dataset.kind !== "row") return;
    const fields = { item: item.dataset.item, reading: reading, comment: comment() };
    if (level !== undefined) fields.level = String(level);
    try {
      await post("/decide", fields);
      go("");
    } catch (e) {
      show(e.message, true);
    }
  }

  async function undo() {
    try {
      const data = await post("/undo", {});
      if (data.item) go(data.item);
    } catch (e) {
      show(e.message, true);
    }
  }

  document.querySelectorAll("button.choice").forEach(function (b) {
    b.addEventListener("click", function () {
      decide(b.dataset.reading, b.dataset.level);
    });
  });
  document.querySelectorAll("[data-action]").forEach(function (b) {
    b.addEventListener("click", function () {
      const action = b.dataset.action;
      if (action === "undo") undo();
      else if (item && action === "next") go(item.dataset.next);
      else if (item && action === "prev") go(item.dataset.prev);
    });
  });

  // whole pages: accept, reject with a reason, or rows entered by hand
  document.querySelectorAll("form.verdict").forEach(function (form) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const fields = { item: item.dataset.item, verdict: form.dataset.verdict, comment: comment() };
      new FormData(form).forEach(function (value, name) { fields[name] = value; });
      try {
        await post("/page", fields);
        go("");
      } catch (e) {
        show(e.message, true);
      }
    });
  });
  // show only the hand-entry rows of the chosen ballot page
  document.querySelectorAll("form#enter select.ballot-page").forEach(function (select) {
    function sync() {
      const [fp, page] = select.value.split(":");
      document.querySelectorAll("fieldset.rows").forEach(function (set) {
        const on = set.dataset.template === fp && set.dataset.page === page;
        set.hidden = !on;
        set.disabled = !on;
      });
    }
    select.addEventListener("change", sync);
    sync();
  });

  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA")) return;
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    const key = event.key;
    const levels = item ? Number(item.dataset.levels) : 0;
    if (key === "u" || key === "U") { event.preventDefault(); undo(); return; }
    if (!item) return;
    if (key === "n" || key === "N") { event.preventDefault(); go(item.dataset.next); return; }
    if (key === "p" || key === "P") { event.preventDefault(); go(item.dataset.prev); return; }
    if (item.dataset.kind !== "row") return;
    if (key >= "1" && key <= "9" && Number(key) <= levels) { event.preventDefault(); decide("level", Number(key) - 1); }
    else if (key === "0") { event.preventDefault(); decide("blank"); }
    else if (key === "m" || key === "M") { event.preventDefault(); decide("multi"); }
    else if (key === "Enter") { event.preventDefault(); decide("accept"); }
  });
})();
