// Starting a project, importing a report with its progress, and settling the import's
// review: ticks, fields, themes, towns merged into a place. Uses studio.js's API helper.
import { api, plain, say } from "./studio.js";

const token = document.querySelector('meta[name="csrf-token"]').content;
const SAID = "briefpress-said"; // a message to announce after the page reloads

function sayAfterReload(text) {
  sessionStorage.setItem(SAID, text);
  window.location.reload();
}

function showProblem(box, data) {
  box.textContent = (data.problems || []).map(plain).join(" ") || `${data.error || "Not saved"}.`;
  box.hidden = false;
}

// --- a new project ---------------------------------------------------------------

function setupStart() {
  const form = document.getElementById("start");
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const problem = document.getElementById("start-problem");
    problem.hidden = true;
    const organisation = form.elements.organisation.value.trim();
    if (!organisation) { problem.textContent = "Write your organisation's name first."; problem.hidden = false; return; }
    const result = await api("POST", "/api/start", { organisation });
    if (!result.ok) { showProblem(problem, result.data); return; }
    sessionStorage.setItem(SAID, "Project started. Import your report next.");
    window.location.assign(result.data.next);
  });
}

// --- import, with its progress -----------------------------------------------------

async function follow(status, bar, words) {
  for (;;) {
    const response = await fetch(status, { cache: "no-store" });
    const state = await response.json();
    bar.max = state.steps;
    bar.value = state.step;
    bar.setAttribute("aria-valuetext", `${state.words} (step ${Math.min(state.step + 1, state.steps)} of ${state.steps})`);
    words.textContent = state.done ? "Imported." : `${state.words}…`;
    if (state.done) return state;
    await new Promise((resolve) => { window.setTimeout(resolve, 250); });
  }
}

function setupImport() {
  const form = document.getElementById("import");
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const problem = document.getElementById("import-problem");
    const button = form.querySelector("button[type=submit]");
    problem.hidden = true;
    if (!form.elements.file.files.length || !form.elements.report.value.trim()) {
      problem.textContent = "Choose a report file and give the report a short name.";
      problem.hidden = false;
      return;
    }
    button.disabled = true;
    const progress = document.getElementById("import-progress");
    const bar = document.getElementById("import-bar");
    const words = document.getElementById("import-stage");
    bar.value = 0;
    words.textContent = "Uploading the file…";
    progress.hidden = false;
    say("Importing the report.");
    const response = await fetch("/api/import", { method: "POST", headers: { "X-CSRF-Token": token, Prefer: "respond-async" }, body: new FormData(form) });
    let data = {};
    try { data = await response.json(); } catch { data = { error: `the server answered ${response.status}` }; }
    const state = response.ok ? await follow(data.status, bar, words) : data;
    button.disabled = false;
    if (!state.result) {
      progress.hidden = true;
      showProblem(problem, state);
      say("Not imported.");
      return;
    }
    const done = state.result;
    sessionStorage.setItem(SAID, `Imported: ${done.review} item(s) to review, ${done.to_write} field(s) to write.`);
    window.location.assign(`/reports/${done.report}/review?import=${encodeURIComponent(data.job)}`);
  });
}

// --- the review ----------------------------------------------------------------------

function updateLeft(change) {
  const left = document.getElementById("left");
  const count = Number(left.dataset.left) + change;
  left.dataset.left = String(count);
  left.textContent = count ? `${count} left to settle.` : "Nothing left to review: the import is settled.";
}

function setupItems() {
  const items = document.getElementById("review-items");
  if (!items) return;
  items.addEventListener("change", async (event) => {
    const box = event.target;
    const result = await api("POST", `/api/reports/${items.dataset.report}/review`, { line: Number(box.dataset.line), settled: box.checked });
    if (!result.ok) { box.checked = !box.checked; return; }
    box.closest("li").classList.toggle("is-settled", box.checked);
    updateLeft(box.checked ? -1 : 1);
  });
}

function settled(row) {
  const next = row.nextElementSibling?.querySelector("input, button");
  row.remove();
  updateLeft(-1);
  if (next) next.focus();
}

async function writeField(fields, form, empty) {
  const problem = form.querySelector(".field-problem");
  const input = form.elements.value;
  let value = [];
  if (!empty) {
    if (input.value.trim() === "") { problem.textContent = "Write something first."; problem.hidden = false; return; }
    value = input.type === "number" ? Number(input.value) : input.value.trim();
  }
  const body = { file: form.dataset.file, line: Number(form.dataset.line), value };
  const result = await api("POST", `/api/reports/${fields.dataset.report}/fields`, body);
  if (!result.ok) {
    if (result.status !== 409 && problem) showProblem(problem, result.data);
    return;
  }
  say(empty ? "Left empty for now." : "Saved.");
  settled(form.closest("li"));
}

async function addTheme(fields, row) {
  const input = row.querySelector("input[name=name]");
  const problem = row.closest("form").querySelector(".field-problem");
  problem.hidden = true;
  const name = input.value.trim();
  if (!name) { problem.textContent = "Write the theme's name first."; problem.hidden = false; return; }
  const result = await api("POST", `/api/reports/${fields.dataset.report}/themes`, { name });
  if (!result.ok) { if (result.status !== 409) showProblem(problem, result.data); return; }
  input.value = "";
  input.focus();
  say(`Added the theme ${name}. Add another, or tag quotes with it in the lists.`);
  if (!row.dataset.added) { row.dataset.added = "1"; updateLeft(-1); }
}

function setupFields() {
  const fields = document.getElementById("write-fields");
  if (!fields) return;
  fields.addEventListener("submit", (event) => {
    event.preventDefault();
    const theme = event.target.querySelector("[data-add-theme]");
    if (theme) { addTheme(fields, theme); return; }
    writeField(fields, event.target, event.submitter?.name === "empty");
  });
}

function setupFold() {
  const form = document.getElementById("fold");
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const problem = document.getElementById("fold-problem");
    problem.hidden = true;
    const towns = [...form.querySelectorAll("input[name=towns]:checked")].map((box) => box.value);
    const into = form.elements.into?.value || null;
    const name = form.elements.name.value.trim() || null;
    if (!towns.length) { problem.textContent = "Tick the towns to merge first."; problem.hidden = false; return; }
    if (!into && !name) { problem.textContent = "Name the place the towns are in, or choose one."; problem.hidden = false; return; }
    const result = await api("POST", `/api/reports/${form.dataset.report}/fold`, { towns, into, name });
    if (!result.ok) { if (result.status !== 409) showProblem(problem, result.data); return; }
    sayAfterReload(`Merged: ${result.data.undo}.`);
  });
}

const said = sessionStorage.getItem(SAID);
if (said) { sessionStorage.removeItem(SAID); say(said); }
setupStart();
setupImport();
setupItems();
setupFields();
setupFold();
