// The Sending page follows a send without reloading: the job, the send log and whether
// failed.csv exists, polled as JSON once a second while the send runs, once more at its
// end. The send runs in the studio, not here: a page opened mid-send follows it as well.
const PERIOD = 1000;
const AFTER_ERROR = 4000;

function el(tag, text) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}

function byId(id) {
  return document.getElementById(id);
}

function showJob(job) {
  const panel = byId("job");
  panel.hidden = false;
  panel.dataset.running = job.running ? "1" : "0";
  panel.classList.toggle("warn", ["failed", "stopped", "not sent"].includes(job.state));
  byId("job-h").textContent = job.running ? "Sending now" : "Last send from the studio";
  byId("job-state").textContent = job.state;
  const sent = job.counts.sent || 0;
  byId("job-summary").textContent = job.total ? `: ${sent} of ${job.total} sent` : "";
  byId("job-user").textContent = job.user ? ` · started by ${job.user}` : "";
  byId("progress-line").hidden = !job.total; // still preparing: no count yet
  const bar = byId("send-progress");
  bar.max = job.total || 1;
  bar.value = job.handled;
  bar.textContent = `${job.handled} of ${job.total}`;
  byId("send-progress-text").textContent = `${job.handled} of ${job.total}`;
  const message = byId("job-message");
  message.textContent = job.message;
  message.hidden = !job.message;
  byId("job-running").hidden = !job.running;
  byId("prepare").hidden = job.running;
}

function showLog(log) {
  byId("send-log").hidden = false;
  for (const count of document.querySelectorAll(".count[data-state]")) {
    count.textContent = String(log.counts[count.dataset.state] ?? 0);
  }
  byId("log-count").textContent = String(log.entries.length);
  const columns = [...document.querySelectorAll("#send-log thead th")].map((th) => th.textContent);
  const keys = ["row", "name", "email", "state", "attempts", "answer", "finished"];
  const rows = log.entries.map((entry) => {
    const tr = el("tr");
    tr.className = `state-${entry.state}`;
    keys.forEach((key, index) => {
      const td = el("td", String(entry[key] ?? ""));
      td.dataset.column = columns[index] || key;
      tr.append(td);
    });
    return tr;
  });
  byId("log-rows").replaceChildren(...rows);
  const unknown = log.counts.unknown || 0;
  const resend = byId("resend-unknown");
  if (resend) {
    resend.hidden = unknown === 0;
    byId("resend-unknown-text").textContent =
      `Send again the ${unknown} message${unknown === 1 ? "" : "s"} whose fate is unknown`;
  }
}

export function render(progress) {
  if (progress.job) showJob(progress.job);
  if (progress.log) showLog(progress.log);
  byId("failed-csv").hidden = !progress.failed;
}

function announce(job) {
  const status = byId("status");
  if (status) status.textContent = `Send ${job.state}${job.message ? `: ${job.message}` : ""}`;
}

// Poll until the send has ended; `base` is /api/send/<letter>.
export function follow(base) {
  let stopped = false;
  async function tick() {
    if (stopped) return;
    let wait = PERIOD;
    try {
      const response = await fetch(`${base}/progress`, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const progress = await response.json();
        render(progress);
        if (!progress.job || !progress.job.running) {
          stopped = true;
          if (progress.job) announce(progress.job);
          return;
        }
      } else if (response.status === 401) {
        window.location.reload(); // logged out meanwhile: the login page, then back here
        return;
      } else wait = AFTER_ERROR;
    } catch {
      wait = AFTER_ERROR; // the studio restarting, or the network: try again
    }
    setTimeout(tick, wait);
  }
  tick();
  return () => {
    stopped = true;
  };
}
