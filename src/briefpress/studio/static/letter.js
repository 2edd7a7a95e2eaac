// The letter's page: its words saved through PATCH /api/briefs/<id>/letter (only what
// changed), paragraphs added, moved and removed with buttons, translations beside the
// text they translate, the preview (the sample, or a recipient's own letter) refreshed
// after a save, and the letters made in the background with a progress bar.

import { api, say } from "./studio.js";

const form = document.getElementById("letter-form");
const briefId = form?.dataset.brief;
const fid = (path) => path.replaceAll(".", "-");
const cap = (s) => (s ? s[0].toUpperCase() + s.slice(1) : "");
const plain = (p) => `${cap(p.message)}.${p.hint ? ` ${cap(p.hint)}.` : ""}`;

// --- the form's values --------------------------------------------------------------

function value(path) {
  const input = document.getElementById(fid(path));
  return input ? input.value.trim() : "";
}

function paragraphs(path) {
  const list = form.querySelector(`fieldset.paragraphs[data-path="${path}"]`);
  return [...list.querySelectorAll(".paragraph-text")].map((t) => t.value.trim());
}

function signature(path) {
  return Object.fromEntries(["name", "title", "organisation"].map((k) => [k, value(`${path}.${k}`)]));
}

function values() {
  const own = {
    subject: value("letter.subject"), body: paragraphs("letter.body"),
    closing: value("letter.closing"), signature: signature("letter.signature"),
  };
  const translations = {};
  for (const box of form.querySelectorAll("fieldset.translation")) {
    const base = box.dataset.path;
    translations[box.dataset.lang] = {
      subject: value(`${base}.subject`), title: value(`${base}.title`), body: paragraphs(`${base}.body`),
      closing: value(`${base}.closing`), signature: signature(`${base}.signature`),
    };
  }
  return { own, translations };
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// Only what changed is sent: a part left alone is not written into the file.
function changes(now, saved) {
  const out = Object.fromEntries(Object.entries(now.own).filter(([k, v]) => !same(v, saved.own[k])));
  const translations = {};
  for (const [tag, text] of Object.entries(now.translations)) {
    if (!same(text, saved.translations[tag])) translations[tag] = text;
  }
  for (const tag of Object.keys(saved.translations)) {
    if (!(tag in now.translations)) translations[tag] = null;
  }
  if (Object.keys(translations).length) out.translations = translations;
  return out;
}

// --- paragraphs -----------------------------------------------------------------------

function originals() {
  return paragraphs("letter.body");
}

function renumber(list) {
  const path = list.dataset.path;
  const language = list.dataset.language;
  const own = originals();
  [...list.querySelectorAll(".paragraph")].forEach((li, i) => {
    const id = `${fid(path)}-${i}`;
    const area = li.querySelector(".paragraph-text");
    area.id = id;
    area.setAttribute("aria-describedby", `${id}-problem`);
    li.querySelector(".paragraph-problem, .field-problem").id = `${id}-problem`;
    const label = li.querySelector(".paragraph-label");
    label.htmlFor = id;
    label.querySelector(".n").textContent = String(i + 1);
    const of = language ? ` of the ${language} translation` : "";
    for (const button of li.querySelectorAll(".move button")) button.value = `${button.dataset.move}|${path}|${i}`;
    const hidden = li.querySelectorAll(".move .visually-hidden");
    hidden[0].textContent = `Move paragraph ${i + 1}${of} up`;
    hidden[1].textContent = `Move paragraph ${i + 1}${of} down`;
    hidden[2].textContent = ` paragraph ${i + 1}${of}`;
    const original = li.querySelector(".original-text");
    if (original && language) original.textContent = own[i] || "";
  });
}

function renumberAll() {
  form.querySelectorAll("fieldset.paragraphs").forEach(renumber);
}

function newParagraph(list) {
  const template = document.getElementById("paragraph-template");
  const li = template.content.firstElementChild.cloneNode(true);
  const lang = list.dataset.lang;
  li.dataset.path = list.dataset.path;
  li.querySelector(".paragraph-text").lang = lang;
  li.querySelector(".paragraph-text").name = list.dataset.path;
  const language = list.dataset.language;
  const label = li.querySelector(".paragraph-label");
  label.lastChild.textContent = language ? `, ${language} translation` : "";
  if (!language) li.querySelector(".original")?.remove();
  list.querySelector(".paragraph-list").append(li);
  return li;
}

function onParagraphButton(button) {
  const list = button.closest("fieldset.paragraphs");
  if (button.classList.contains("add-paragraph")) {
    const li = newParagraph(list);
    renumber(list);
    li.querySelector("textarea").focus();
    say(`Added paragraph ${list.querySelectorAll(".paragraph").length}.`);
    return;
  }
  const li = button.closest(".paragraph");
  const move = button.dataset.move;
  const n = [...list.querySelectorAll(".paragraph")].indexOf(li) + 1;
  if (move === "up" && li.previousElementSibling) li.previousElementSibling.before(li);
  else if (move === "down" && li.nextElementSibling) li.nextElementSibling.after(li);
  else if (move === "drop") {
    const next = li.nextElementSibling || li.previousElementSibling;
    li.remove();
    if (list.dataset.path === "letter.body") renumberAll(); else renumber(list);
    say(`Removed paragraph ${n}.`);
    (next?.querySelector("textarea") || list.querySelector(".add-paragraph")).focus();
    return;
  } else return;
  if (list.dataset.path === "letter.body") renumberAll(); else renumber(list);
  button.focus();
  const at = [...list.querySelectorAll(".paragraph")].indexOf(li) + 1;
  say(`Moved paragraph ${n} ${move}: it is paragraph ${at} now.`);
}

// --- translations ---------------------------------------------------------------------

function addTranslation() {
  const select = document.getElementById("new-language");
  const option = select.selectedOptions[0];
  if (!option) return;
  const tag = option.value;
  const name = option.textContent.replace(/\s*\([^)]*\)$/, "");
  const template = document.getElementById("translation-template");
  const box = template.content.firstElementChild.cloneNode(true);
  const swap = (text) => text.replaceAll("LANGTAG", tag).replaceAll("LANGNAME", name);
  for (const el of [box, ...box.querySelectorAll("*")]) {
    for (const attr of [...el.attributes]) {
      if (attr.value.includes("LANG")) el.setAttribute(attr.name, swap(attr.value));
    }
  }
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeValue.includes("LANG")) node.nodeValue = swap(node.nodeValue);
  }
  const list = box.querySelector("fieldset.paragraphs");
  for (let i = 0; i < originals().length; i += 1) newParagraph(list);
  document.getElementById("translations").append(box);
  renumber(list);
  box.querySelector("[data-original='subject']").textContent = value("letter.subject");
  option.remove();
  box.querySelector("input, textarea").focus();
  say(`Added a ${name} translation: write it, then save.`);
}

function removeTranslation(button) {
  const box = button.closest("fieldset.translation");
  const name = box.querySelector("legend").textContent.trim();
  if (!window.confirm(`Remove the ${name} from the letter? Undo puts it back once saved.`)) return;
  const option = new Option(`${name.replace(/ translation.*/, "")} (${box.dataset.lang})`, box.dataset.lang);
  document.getElementById("new-language").append(option);
  box.remove();
  say(`Removed the ${name}: save to write it.`);
  document.getElementById("add-translation").focus();
}

// --- problems -------------------------------------------------------------------------

function showProblems(problems) {
  form.querySelectorAll(".field-problem").forEach((p) => { p.hidden = true; });
  const loose = [];
  for (const problem of problems) {
    let path = problem.field || "";
    let box = null;
    while (path && !box) {
      box = document.getElementById(`${fid(path)}-problem`);
      path = path.includes(".") ? path.slice(0, path.lastIndexOf(".")) : "";
    }
    if (box) { box.textContent = plain(problem); box.hidden = false; } else loose.push(plain(problem));
  }
  const rest = document.getElementById("form-problems");
  rest.replaceChildren(...loose.map((text) => Object.assign(document.createElement("li"), { textContent: text })));
  rest.hidden = !loose.length;
  const first = form.querySelector(".field-problem:not([hidden])");
  (first?.closest(".field, .paragraph, fieldset")?.querySelector("input, textarea") || rest).focus?.();
}

// --- preview --------------------------------------------------------------------------

function pictures(urls, what) {
  const pages = document.getElementById("preview-pages");
  pages.replaceChildren(...urls.map((src, i) => Object.assign(document.createElement("img"), {
    src, alt: `Page ${i + 1} of ${what}`, loading: i ? "lazy" : "eager",
  })));
}

let shown = 0; // the latest preview asked for: an earlier one that answers late is dropped

async function previewSample() {
  const text = document.getElementById("fill-text");
  const pages = document.getElementById("preview-pages");
  const asked = ++shown;
  text.textContent = "Building the sample letter…";
  pages.setAttribute("aria-busy", "true");
  const response = await fetch(`/api/briefs/${briefId}/preview`);
  const data = await response.json();
  if (asked !== shown) return;
  pages.removeAttribute("aria-busy");
  document.getElementById("preview-problems").replaceChildren(...(data.problems || []).map(
    (p) => Object.assign(document.createElement("li"), { textContent: plain(p) })));
  document.getElementById("pdf-link").href = `/api/briefs/${briefId}/preview.pdf`;
  if (!data.pdf) { text.textContent = "The letter does not build yet: see the problems below."; pages.replaceChildren(); return; }
  text.textContent = `The sample recipient's letter: ${data.pages} page${data.pages === 1 ? "" : "s"}.`;
  const urls = Array.from({ length: data.pages }, (_, i) => `/api/briefs/${briefId}/page/${i + 1}.png?v=${data.stamp}`);
  pictures(urls, "the sample letter");
  say(`Preview updated: ${data.pages} page${data.pages === 1 ? "" : "s"}.`);
}

function previewRow(option) {
  shown += 1;
  document.getElementById("preview-pages").removeAttribute("aria-busy");
  const row = option.value;
  const count = Number(option.dataset.pages) || 1;
  const made = document.getElementById("made-note").dataset.made;
  const who = option.dataset.name || option.textContent;
  document.getElementById("fill-text").textContent = `${who}'s letter, as it was made: ${count} page${count === 1 ? "" : "s"}.`;
  document.getElementById("pdf-link").href = `/api/letters/${briefId}/${row}.pdf`;
  document.getElementById("preview-problems").replaceChildren();
  const urls = Array.from({ length: count }, (_, i) => `/api/letters/${briefId}/${row}/page/${i + 1}.png?v=${encodeURIComponent(made)}`);
  pictures(urls, `${who}'s letter`);
  say(`Showing ${who}'s letter.`);
}

function refreshPreview() {
  const select = document.getElementById("preview-of");
  const option = select?.selectedOptions[0];
  if (option && option.value) previewRow(option); else previewSample();
}

// --- saving ---------------------------------------------------------------------------

function setupForm() {
  let saved = values();
  for (const li of document.querySelectorAll("#letter-problems li[data-field]")) {
    if (li.dataset.field) showProblems([{ field: li.dataset.field, message: li.textContent.replace(/\.$/, "") }]);
  }
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.name === "op") event.preventDefault(); // the page's own, without a reload
    if (button.dataset.move || button.classList.contains("add-paragraph")) onParagraphButton(button);
    else if (button.id === "add-translation") addTranslation();
    else if (button.classList.contains("remove-translation")) removeTranslation(button);
  });
  form.addEventListener("input", (event) => {
    if (event.target.closest('fieldset[data-path="letter.body"]')) renumberAll();
    if (event.target.id === fid("letter.subject")) {
      form.querySelectorAll("[data-original='subject']").forEach((s) => { s.textContent = event.target.value; });
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const now = values();
    const change = changes(now, saved);
    if (!Object.keys(change).length) { say("Nothing changed."); refreshPreview(); return; }
    const result = await api("PATCH", `/api/briefs/${briefId}/letter`, change, form.dataset.etag);
    if (!result.ok) {
      if (result.status !== 409) showProblems(result.data.problems || [{ message: result.data.error || "not saved" }]);
      say("Not saved.");
      return;
    }
    form.dataset.etag = result.data.etag;
    saved = now;
    showProblems([]);
    const note = document.getElementById("made-note");
    if (note && note.dataset.made) {
      note.dataset.stale = "1";
      note.textContent = `The recipients' letters were made ${note.dataset.made}, before this change: make the letters again to see it in them.`;
    }
    say("Saved. Building the preview…");
    refreshPreview();
  });
  document.querySelector(".preview-of")?.removeAttribute("hidden");
  document.getElementById("preview-of")?.addEventListener("change", refreshPreview);
  // Leaving with changes not saved: the browser asks first.
  window.addEventListener("beforeunload", (event) => {
    if (Object.keys(changes(values(), saved)).length) event.preventDefault();
  });
  refreshPreview();
}

// --- making the letters ---------------------------------------------------------------

const section = document.getElementById("make-letters");

function showJob(job) {
  const bar = document.getElementById("make-bar");
  document.getElementById("make-progress").hidden = false;
  bar.max = Math.max(job.total, 1);
  bar.value = job.done;
  const counting = job.state === "checking" ? "Checking the recipients and building the brief…" : `${job.done} of ${job.total}`;
  document.getElementById("make-count").textContent = counting;
  document.getElementById("make-stop").hidden = !job.running;
  document.getElementById("make-button").disabled = job.running;
  document.getElementById("make-message").textContent = job.running ? "" : job.message;
  // A failed run's problems here; a finished run's are on their rows, but the letter's own.
  const listed = (job.problems || []).filter((p) => job.state === "failed" || !p.row);
  document.getElementById("make-problems").replaceChildren(...listed.map((p) => {
    const li = document.createElement("li");
    li.textContent = `${p.row ? `Row ${p.row}: ` : ""}${plain(p)}`;
    return li;
  }));
}

function madeRow(row, problems) {
  const tr = document.createElement("tr");
  const link = Object.assign(document.createElement("a"), {
    href: `/api/letters/${briefId}/${row.row}.pdf`, target: "_blank", rel: "noopener", textContent: row.name,
  });
  link.setAttribute("aria-label", `${row.name}'s letter (PDF)`);
  const cells = [String(row.row), link, row.language, String(row.pages), problems.map(plain).join(" ")];
  for (const cell of cells) {
    const td = document.createElement("td");
    td.append(cell);
    tr.append(td);
  }
  if (problems.length) tr.className = "warned";
  return tr;
}

async function showMade(job) {
  const made = await (await fetch(`/api/letters/${briefId}`)).json();
  const table = document.getElementById("made-table");
  const byRow = (n) => (job.problems || []).filter((p) => p.row === n);
  table.querySelector("tbody").replaceChildren(...made.rows.map((r) => madeRow(r, byRow(r.row))));
  table.querySelector("caption").textContent = `Letters made, ${made.made}`;
  table.hidden = !made.rows.length;
  table.classList.toggle("no-problems", !(job.problems || []).some((p) => p.row));
  const select = document.getElementById("preview-of");
  const note = document.getElementById("made-note");
  if (select) {
    select.replaceChildren(new Option("the sample recipient", ""), ...made.rows.map((r) => {
      const option = new Option(`row ${r.row}: ${r.name} (${r.language})`, String(r.row));
      option.dataset.pages = String(r.pages);
      option.dataset.name = r.name;
      return option;
    }));
    note.dataset.made = made.made || "";
    note.textContent = made.rows.length ? `A recipient's letter is the PDF briefpress letters made for their row (${made.made}).` : "";
  }
}

async function follow() {
  for (;;) {
    const job = await (await fetch(`/api/letters/${briefId}/make`, { cache: "no-store" })).json();
    if (job.state === "none") return;
    showJob(job);
    if (!job.running) {
      if (job.state === "done") await showMade(job);
      say(job.message);
      return;
    }
    await new Promise((resolve) => { window.setTimeout(resolve, 400); });
  }
}

function setupMaking() {
  if (!section) return;
  document.getElementById("make-form")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const recipients = document.getElementById("make-recipients").value;
    const result = await api("POST", `/api/letters/${briefId}/make`, { recipients });
    if (!result.ok) {
      document.getElementById("make-message").textContent = result.data.error || "The letters could not be started.";
      return;
    }
    say(`Making the letters for ${recipients}…`);
    showJob(result.data);
    follow();
  });
  document.getElementById("make-stop").addEventListener("click", async (event) => {
    event.preventDefault();
    await api("POST", `/api/letters/${briefId}/make/stop`);
    say("Stopping: the letters made before stay as they were.");
  });
  if (section.dataset.running) follow();
}

if (form) {
  setupForm();
  setupMaking();
}
