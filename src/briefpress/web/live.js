// Live preview: the server announces every change on /events (server-sent events);
// the page then fetches itself again and swaps in the new <main>, without a reload.
(() => {
  const badge = document.getElementById("live");
  let version = document.body.dataset.version;
  let running = false;
  let again = false;

  const srcs = (root) => new Set([...root.querySelectorAll("img")].map((i) => i.getAttribute("src")));

  // Load the new pictures before swapping, so a page is never shown half-blank.
  function preload(next) {
    const shown = srcs(document);
    const fresh = [...srcs(next)].filter((src) => !shown.has(src));
    const loads = fresh.map((src) => {
      const img = new Image();
      img.src = src;
      return img.decode().catch(() => undefined);
    });
    return Promise.race([Promise.all(loads), new Promise((done) => setTimeout(done, 3000))]);
  }

  async function refresh() {
    if (running) { again = true; return; }
    running = true;
    try {
      do {
        again = false;
        const response = await fetch(location.href, { cache: "no-store" });
        const doc = new DOMParser().parseFromString(await response.text(), "text/html");
        const next = doc.getElementById("main");
        if (!next) break;
        await preload(next);
        const main = document.getElementById("main");
        if (main.innerHTML !== next.innerHTML) main.replaceWith(document.adoptNode(next));
        document.title = doc.title;
        version = doc.body.dataset.version;
        document.body.dataset.version = version;
      } while (again);
    } catch (error) {
      // The server is restarting: the next event will try again.
    } finally {
      running = false;
    }
  }

  function show(on) {
    if (!badge) return;
    badge.className = on ? "live is-on" : "live is-off";
    badge.textContent = on ? "Live" : "Reconnecting…";
    badge.title = on ? "This page updates when you save a file" : "Lost the server; retrying";
  }

  const events = new EventSource("/events");
  events.onopen = () => show(true);
  events.onerror = () => show(false);
  events.onmessage = (event) => {
    const data = JSON.parse(event.data);
    if (String(data.version) !== version) refresh();
  };
})();
