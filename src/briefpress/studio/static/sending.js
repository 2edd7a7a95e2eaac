// The Sending page: a dry run listed with its drafts, then a send confirmed by its count,
// followed as it goes (progress.js).
import { follow, render } from "./progress.js";

const token = document.querySelector('meta[name="csrf-token"]').content;
const letter = document.getElementById("letter-id")?.textContent;
const base = `/api/send/${encodeURIComponent(letter)}`;

async function post(path, body) {
  const response = await fetch(base + path, {
    method: "POST",
    headers: { "X-CSRF-Token": token, "Content-Type": "application/json" },
    body: JSON.stringify(body || {}),
  });
  const answer = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  return { ok: response.ok, answer };
}

function resendUnknown() {
  return Boolean(document.querySelector('input[name="resend_unknown"]')?.checked);
}

function show(element, text) {
  element.textContent = text;
  element.hidden = !text;
}

function el(tag, text) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}

function showPlan(plan) {
  const box = document.getElementById("plan");
  box.replaceChildren();
  box.append(el("p", `${plan.count} message${plan.count === 1 ? "" : "s"} to send` +
    (plan.already_sent ? `; ${plan.already_sent} already sent (not sent again)` : "") + "."));
  for (const w of plan.warnings) box.append(el("p", w));
  if (plan.count) {
    const list = el("ul");
    list.className = "drafts";
    for (const item of plan.to_send) {
      const li = el("li");
      const link = el("a", `row ${item.row}: `);
      link.append(el("bdi", item.name), ` <${item.email}>`);  // a name in its own direction
      link.href = `${base}/drafts/${encodeURIComponent(item.draft)}`;
      const pdf = el("a", "letter (PDF)");
      pdf.href = `/api/letters/${encodeURIComponent(letter)}/${item.row}.pdf`;
      pdf.setAttribute("aria-label", `${item.name}'s letter (PDF)`);
      li.append(link, " · ", pdf);
      list.append(li);
    }
    box.append(list);
  }
  const panel = document.getElementById("send-panel");
  document.getElementById("send-count").textContent = String(plan.count);
  panel.hidden = plan.count === 0;
}

const dry = document.getElementById("dry-run");
dry?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const problem = document.getElementById("dry-problem");
  show(problem, "");
  const button = dry.querySelector("button");
  button.disabled = true;
  show(document.getElementById("plan"), "Making the drafts…");
  try {
    const { ok, answer } = await post("/dry-run", {
      recipients: dry.recipients.value, resend_unknown: resendUnknown(),
    });
    if (ok) showPlan(answer);
    else {
      show(document.getElementById("plan"), "");
      show(problem, [answer.error, ...(answer.problems || [])].join("\n"));
    }
  } finally {
    button.disabled = false;
  }
});

const send = document.getElementById("send");
send?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const problem = document.getElementById("send-problem");
  const confirm = Number.parseInt(send.confirm.value, 10);
  if (Number.isNaN(confirm)) {
    show(problem, "Type the number of messages to send.");
    return;
  }
  const { ok, answer } = await post("/start", {
    recipients: dry.recipients.value, confirm, password: send.password.value,
    resend_unknown: resendUnknown(),
  });
  send.password.value = "";
  if (!ok) {
    show(problem, answer.error);
    return;
  }
  show(problem, "");
  send.confirm.value = "";
  render({ job: answer, log: null, failed: false });
  document.getElementById("job").focus();
  follow(base);
});

const stopButton = document.getElementById("stop-send");
stopButton?.addEventListener("click", async (event) => {
  event.preventDefault(); // the form posts without script; with it, the page stays
  stopButton.disabled = true;
  const { answer } = await post("/stop");
  document.getElementById("status").textContent = answer.stopping
    ? "Stopping: the message being handed over finishes first"
    : "The send had already ended";
  stopButton.disabled = false;
});

if (document.getElementById("job")?.dataset.running === "1") follow(base);

const settings = document.getElementById("mail-settings");
settings?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const problems = document.getElementById("mail-problems");
  problems.replaceChildren();
  problems.hidden = true;
  const values = Object.fromEntries(new FormData(settings).entries());
  const response = await fetch("/api/sending/settings", {
    method: "POST",
    headers: { "X-CSRF-Token": token, "Content-Type": "application/json" },
    body: JSON.stringify({ ...values, etag: settings.dataset.etag }),
  });
  const answer = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (response.ok) {
    settings.dataset.etag = answer.etag;
    document.getElementById("status").textContent = "Mail settings saved";
    return;
  }
  const lines = answer.problems?.length ? answer.problems.map((p) => p.message) : [answer.error];
  for (const line of lines) problems.append(el("li", line));
  problems.hidden = false;
});
