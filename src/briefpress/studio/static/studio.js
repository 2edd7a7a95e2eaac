// The studio's progressive enhancement: saves through the JSON API (docs/studio.md),
// shows each problem next to its field, refreshes the preview. No build step.

// Forms work without this module (plain posts); with it, they save in place.
document.documentElement.classList.add("js");
const token = document.querySelector('meta[name="csrf-token"]').content;
const statusBox = () => document.getElementById("status");
const alertBox = () => document.getElementById("alert");

let sayTimer = 0;

export function say(text) {
  const box = statusBox();
  box.textContent = "";
  // a fresh text node each time, so a screen reader announces a repeated message too
  window.setTimeout(() => { box.textContent = text; }, 30);
  // announced at once; seen for a while, then out of the way of what it covers
  window.clearTimeout(sayTimer);
  sayTimer = window.setTimeout(() => { box.textContent = ""; }, 12_000);
}

function warn(text, actions = []) {
  const box = alertBox();
  box.replaceChildren(document.createTextNode(text));
  for (const [label, run] of actions) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.addEventListener("click", run);
    box.append(" ", button);
  }
  box.hidden = false;
}

function clearWarning() {
  alertBox().hidden = true;
}

export async function api(method, url, body, etag) {
  const headers = { "X-CSRF-Token": token, "Content-Type": "application/json" };
  if (etag) headers["If-Match"] = `"${etag}"`;
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let data = {};
  try { data = await response.json(); } catch { data = {}; }
  if (response.status === 409) {
    warn(`${data.error || "The file changed on disk."} Reload the page to see the file as it is now, then make your change again.`,
      [["Reload", () => window.location.reload()]]);
  } else if (response.ok) {
    clearWarning();
  }
  if (data.undo) showUndo(data.undo);
  return { ok: response.ok, status: response.status, data };
}

export function showUndo(what) {
  const button = document.getElementById("undo");
  if (!button) return;
  button.hidden = false;
  button.textContent = `Undo: ${what}`;
}

// The spec's own names, as the page's labels say them.
const WORDS = { max_pages: "the page budget", min_pages: "the smallest page count", ids: "the records chosen" };

export function plain(problem) {
  const cap = (s) => s ? s[0].toUpperCase() + s.slice(1) : "";
  const words = (s) => (s || "").replace(/\b(max_pages|min_pages|ids)\b/g, (name) => WORDS[name]);
  return cap(words(problem.message)) + "." + (problem.hint ? ` ${cap(words(problem.hint))}.` : "");
}

// --- report data -----------------------------------------------------------------

function recordValues(form) {
  const values = {};
  for (const box of form.querySelectorAll("[data-field]")) {
    const name = box.dataset.field;
    if (box.tagName === "FIELDSET") {
      values[name] = [...box.querySelectorAll("input:checked")].map((i) => i.value);
      continue;
    }
    const input = box.querySelector("input, select, textarea");
    let value = input.value;
    if (input.hasAttribute("data-lines")) value = value.split("\n").map((s) => s.trim()).filter(Boolean);
    else if (input.hasAttribute("data-list")) value = value.split(",").map((s) => s.trim()).filter(Boolean);
    else if (input.hasAttribute("data-number")) value = value === "" ? null : Number(value);
    values[name] = value;
  }
  return values;
}

function setupRecords() {
  const list = document.getElementById("records");
  if (!list) return;
  const base = `/api/reports/${list.dataset.report}/${list.dataset.collection}`;
  const save = async (form) => {
    const problem = document.getElementById(`problem-${form.dataset.id}`);
    const result = await api("PATCH", `${base}/${encodeURIComponent(form.dataset.id)}`, recordValues(form), list.dataset.etag);
    form.querySelectorAll(".field-problem").forEach((p) => { p.hidden = true; });
    if (result.ok) {
      list.dataset.etag = result.data.etag;
      problem.hidden = true;
      say(`Saved ${form.dataset.id}.`);
    } else if (result.status !== 409) {
      // each problem under the field it concerns; the others under the record
      const loose = [];
      for (const found of result.data.problems || [{ message: result.data.error || "not saved" }]) {
        const box = found.field && document.getElementById(`f-${form.dataset.id}-${found.field}-problem`);
        if (box) { box.textContent = plain(found); box.hidden = false; } else loose.push(plain(found));
      }
      problem.textContent = loose.join(" ");
      problem.hidden = !loose.length;
      say(`Not saved: ${form.dataset.id}.`);
    }
  };
  const saveFact = async (form) => {
    const problem = form.querySelector(".field-problem");
    const body = { label: form.elements.label.value.trim(), value: form.elements.value.value.trim() };
    const url = `/api/reports/${list.dataset.report}/places/${form.dataset.place}/facts/${form.dataset.fact}`;
    const result = await api("PATCH", url, body, list.dataset.etag);
    if (result.ok) { list.dataset.etag = result.data.etag; problem.hidden = true; say(`Saved fact ${form.dataset.fact}.`); }
    else if (result.status !== 409) { problem.textContent = (result.data.problems || [{ message: result.data.error }]).map(plain).join(" "); problem.hidden = false; }
  };
  list.addEventListener("submit", (event) => {
    event.preventDefault();
    if (event.target.classList.contains("fact-form")) saveFact(event.target);
    else save(event.target);
  });
  list.addEventListener("click", async (event) => {
    const button = event.target.closest(".drop-record");
    if (!button) return;
    event.preventDefault();  // the button posts the form without this module
    const form = button.closest("form");
    if (!window.confirm(`Take ${form.dataset.id} out of the report's data? Undo puts it back.`)) return;
    const result = await api("DELETE", `${base}/${encodeURIComponent(form.dataset.id)}`, undefined, list.dataset.etag);
    const problem = document.getElementById(`problem-${form.dataset.id}`);
    if (result.ok) {
      list.dataset.etag = result.data.etag;
      const row = form.closest("li");
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      say(`Dropped ${form.dataset.id}.`);
      (next?.querySelector("button, input") || document.getElementById("main")).focus();
    } else if (result.status !== 409) {
      problem.textContent = (result.data.problems || [{ message: result.data.error || "not dropped" }]).map(plain).join(" ");
      problem.hidden = false;
    }
  });
  list.addEventListener("change", (event) => {
    const input = event.target;
    if (input.classList.contains("pick")) return updateCount();
    if (input.matches("input[type=checkbox], select")) save(input.closest("form"));
  });
  setupBulk(list, base);
}

function picks() {
  return [...document.querySelectorAll("#records .pick")];
}

function updateCount() {
  const count = picks().filter((p) => p.checked).length;
  const out = document.getElementById("selected-count");
  if (out) out.textContent = `${count} selected`;
}

function setupBulk(list, base) {
  const bulk = document.getElementById("bulk");
  if (!bulk) return;
  document.getElementById("select-all").addEventListener("change", (event) => {
    for (const pick of picks()) pick.checked = event.target.checked;
    updateCount();
  });
  bulk.addEventListener("submit", async (event) => {
    event.preventDefault();
    const ids = picks().filter((p) => p.checked).map((p) => p.value);
    if (!ids.length) return say("Select one or more first.");
    const f = bulk.elements;
    const action = event.submitter ? event.submitter.value : "add-theme";
    const theme = f.theme ? f.theme.value : null;
    const place = f.place ? f.place.value : null;
    const bodies = {
      "add-theme": { add_themes: [theme] }, "remove-theme": { remove_themes: [theme] },
      "add-place": { add_places: [place] }, "remove-place": { remove_places: [place] },
      set: { place: place || null, organisation: f.organisation ? f.organisation.value || null : null },
    };
    const body = { ids, ...bodies[action] };
    const result = await api("POST", `${base}/tag`, body, list.dataset.etag);
    if (!result.ok) {
      if (result.status !== 409) warn((result.data.problems || []).map(plain).join(" ") || result.data.error);
      return;
    }
    list.dataset.etag = result.data.etag;
    for (const id of ids) {
      const tick = (name, value, on) => { const box = document.getElementById(`f-${id}-${name}-${value}`); if (box) box.checked = on; };
      const choose = (name, value) => { const select = document.getElementById(`f-${id}-${name}`); if (select && value) select.value = value; };
      if (action.endsWith("-theme")) tick("themes", theme, action === "add-theme");
      if (action.endsWith("-place")) tick("places", place, action === "add-place");
      if (action === "set") { choose("place", body.place); choose("organisation", body.organisation); }
    }
    const removing = action.startsWith("remove");
    if (action.endsWith("-theme")) say(`${removing ? "Removed" : "Added"} the theme ${removing ? "from" : "to"} ${ids.length}.`);
    else if (action.endsWith("-place")) say(`${removing ? "Removed" : "Added"} the place ${removing ? "from" : "to"} ${ids.length}.`);
    else say(`Set the place${body.organisation ? " and organisation" : ""} of ${ids.length}.`);
  });
}

// --- new brief ---------------------------------------------------------------------

function slug(text) {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60);
}

function showProblems(problems, prefix, fallback) {
  document.querySelectorAll(".field-problem").forEach((p) => { p.hidden = true; });
  const loose = [];
  for (const problem of problems) {
    const field = (problem.field || "").split(".")[0];
    const section = (problem.field || "").startsWith("sections.") ? document.querySelector(".section-pick") : null;
    const box = document.getElementById(`${prefix}${field}-problem`) || (section && section.querySelector(".field-problem"));
    if (box) { box.textContent = plain(problem); box.hidden = false; } else loose.push(plain(problem));
  }
  const rest = document.getElementById(fallback);
  if (rest) { rest.textContent = loose.join(" "); rest.hidden = !loose.length; }
  const first = document.querySelector(".field-problem:not([hidden])");
  if (first) first.closest(".field, fieldset")?.querySelector("input, select, textarea")?.focus();
}

function setupNewBrief() {
  const form = document.getElementById("new-brief");
  if (!form) return;
  const kind = form.elements.kind;
  let idTouched = false;
  const about = () => {
    for (const box of form.querySelectorAll("[data-for-kind]")) box.hidden = box.dataset.forKind !== kind.value;
  };
  const suggest = () => {
    if (idTouched) return;
    const which = kind.value === "country" ? form.elements.place : kind.value === "theme" ? form.elements.theme : null;
    const option = which ? which.selectedOptions[0] : null;
    const name = option ? option.textContent || "" : form.elements.title.value || kind.value;
    // The page spells names of any script (anyascii); a typed title in a script this
    // cannot spell leaves the id empty, and the studio spells it when the form is sent.
    form.elements.id.value = option?.dataset.slug || slug(kind.value === "theme" ? `theme-${name}` : name);
    if (!form.elements.title.dataset.touched && which) form.elements.title.value = name;
  };
  kind.addEventListener("change", () => { about(); suggest(); });
  // A brief starts in its report's language, when briefs can be made in it.
  form.elements.report.addEventListener("change", () => {
    const language = form.elements.report.selectedOptions[0]?.dataset.language;
    if ([...form.elements.language.options].some((o) => o.value === language)) form.elements.language.value = language;
  });
  form.elements.place.addEventListener("change", suggest);
  form.elements.theme.addEventListener("change", suggest);
  form.elements.id.addEventListener("input", () => { idTouched = true; });
  form.elements.title.addEventListener("input", () => { form.elements.title.dataset.touched = "1"; });
  about(); suggest();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const f = form.elements;
    const spec = { id: f.id.value.trim(), report: f.report.value, kind: f.kind.value, title: f.title.value.trim(), language: f.language.value, paper: f.paper.value };
    if (spec.kind === "country") spec.place = f.place.value;
    if (spec.kind === "theme") spec.theme = f.theme.value;
    const result = await api("POST", "/api/briefs", spec);
    if (result.ok) { window.location.assign(`/briefs/${result.data.id}`); return; }
    showProblems(result.data.problems || [{ message: result.data.error || "not saved" }], "", "form-problem");
  });
}

// --- brief composer ----------------------------------------------------------------

function sectionIds(fieldset) {
  return [...fieldset.querySelectorAll(".picked > li")].map((li) => li.dataset.id);
}

function pickedItem(id, text) {
  const li = document.createElement("li");
  li.dataset.id = id;
  const what = document.createElement("span");
  what.className = "what";
  const code = document.createElement("code");
  code.textContent = id;
  const words = document.createElement("bdi");  // a record's words in their own direction
  words.textContent = text;
  what.append(code, " ", words);
  const move = document.createElement("span");
  move.className = "move";
  for (const [kind, symbol, verb] of [["up", "↑", "Move"], ["down", "↓", "Move"], ["drop", "✕", "Drop"]]) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "icon";
    button.dataset.move = kind;
    button.textContent = symbol;
    button.setAttribute("aria-label", kind === "drop" ? `${verb} ${id}` : `${verb} ${id} ${kind}`);
    move.append(button);
  }
  li.append(what, move);
  return li;
}

function setupSections(form) {
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const fieldset = button.closest(".section-pick");
    if (!fieldset) return;
    event.preventDefault();  // without this module, each button posts the form
    fieldset.dataset.changed = "1";
    if (button.classList.contains("reset-section")) {
      fieldset.dataset.reset = "1";
      delete fieldset.dataset.changed;
      button.closest("form").requestSubmit();
      return;
    }
    if (button.classList.contains("add-button")) {
      const select = fieldset.querySelector(".add-pick");
      const option = select.selectedOptions[0];
      if (!option) return;
      fieldset.querySelector(".picked").append(pickedItem(option.value, option.dataset.text));
      say(`Added ${option.value}.`);
      option.remove();
      if (!select.options.length) { fieldset.querySelector(".add-row").hidden = true; fieldset.querySelector(".picked li:last-child button")?.focus(); }
      return;
    }
    const li = button.closest("li");
    const move = button.dataset.move;
    if (move === "up" && li.previousElementSibling) li.previousElementSibling.before(li);
    else if (move === "down" && li.nextElementSibling) li.nextElementSibling.after(li);
    else if (move === "drop") {
      const select = fieldset.querySelector(".add-pick");
      const option = new Option(`${li.dataset.id}: ${li.querySelector(".what").textContent.slice(li.dataset.id.length + 1, 80)}`, li.dataset.id);
      option.dataset.text = li.querySelector(".what").textContent.slice(li.dataset.id.length + 1);
      select.append(option);
      fieldset.querySelector(".add-row").hidden = false;
      const next = li.nextElementSibling || li.previousElementSibling;
      li.remove();
      say(`Dropped ${li.dataset.id}.`);
      (next?.querySelector(`[data-move="drop"]`) || fieldset.querySelector(".add-pick")).focus();
      return;
    }
    button.focus();
    say(`Moved ${li.dataset.id} ${move}.`);
  });
}

function composerValues(form) {
  const f = form.elements;
  const spec = {
    title: f.title.value.trim(), subtitle: f.subtitle.value.trim(), intro: f.intro.value.trim(),
    points: f.points.value.split("\n").map((s) => s.trim()).filter(Boolean),
    ask: f.ask.value.trim(), language: f.language.value, paper: f.paper.value,
    max_pages: f.max_pages.value === "" ? null : Number(f.max_pages.value),
  };
  const sections = [...form.querySelectorAll(".section-pick")];
  if (sections.some((s) => s.dataset.changed || s.dataset.reset)) {
    spec.sections = sections
      .filter((s) => s.dataset.changed || s.dataset.chosen || s.dataset.reset)
      .map((s) => s.dataset.reset ? { name: s.dataset.section, reset: true } : { name: s.dataset.section, from: s.dataset.from, ids: sectionIds(s) });
  }
  return spec;
}

async function refreshPreview(briefId) {
  const pages = document.getElementById("preview-pages");
  const fillText = document.getElementById("fill-text");
  const meter = document.getElementById("fill");
  const list = document.getElementById("preview-problems");
  fillText.textContent = "Building…";
  pages.setAttribute("aria-busy", "true");
  const response = await fetch(`/api/briefs/${briefId}/preview`);
  const data = await response.json();
  pages.removeAttribute("aria-busy");
  list.replaceChildren(...(data.problems || []).map((p) => {
    const li = document.createElement("li");
    li.textContent = plain(p);
    return li;
  }));
  if (!data.pdf) {
    fillText.textContent = "This brief does not build yet: see the problems below.";
    pages.replaceChildren();
    return data;
  }
  meter.value = data.pages;
  fillText.textContent = `${data.pages} of ${meter.max} pages`;
  const images = [];
  for (let n = 1; n <= data.pages; n += 1) {
    const img = document.createElement("img");
    img.src = `/api/briefs/${briefId}/page/${n}.png?v=${data.stamp}`;
    img.alt = `Page ${n} of the preview`;
    img.loading = "lazy";
    images.push(img);
  }
  pages.replaceChildren(...images);
  pages.dataset.stamp = data.stamp;
  say(`Preview updated: ${data.pages} page${data.pages === 1 ? "" : "s"}.`);
  return data;
}

function setupComposer() {
  const form = document.getElementById("composer");
  if (!form) return;
  const briefId = form.dataset.brief;
  for (const s of form.querySelectorAll(".section-pick")) s.dataset.chosen = "";
  // Only what changed is sent: a field left alone is not written into the file.
  let saved = composerValues(form);
  const changedOnly = (values) => Object.fromEntries(Object.entries(values).filter(
    ([key, value]) => key === "sections" || JSON.stringify(value) !== JSON.stringify(saved[key])));
  // The problems the page was served with, each also put under its own field.
  for (const li of document.querySelectorAll("#brief-problems li[data-field]")) {
    const field = (li.dataset.field || "").split(".")[0];
    const box = document.getElementById(`c-${field}-problem`);
    if (field && box) { box.textContent = li.textContent; box.hidden = false; }
  }
  setupSections(form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = composerValues(form);
    const result = await api("PATCH", `/api/briefs/${briefId}`, changedOnly(values), form.dataset.etag);
    if (!result.ok) {
      if (result.status !== 409) showProblems(result.data.problems || [{ message: result.data.error }], "c-", "preview-problems");
      say("Not saved.");
      return;
    }
    form.dataset.etag = result.data.etag;
    saved = values;
    for (const s of form.querySelectorAll(".section-pick[data-changed]")) { s.dataset.chosen = "1"; delete s.dataset.changed; }
    document.querySelectorAll(".field-problem").forEach((p) => { p.hidden = true; });
    document.getElementById("brief-title").textContent = form.elements.title.value;
    say("Saved. Building the preview…");
    if (form.querySelector(".section-pick[data-reset]")) { window.location.reload(); return; }
    await refreshPreview(briefId);
  });
  refreshPreview(briefId);
}

// --- everywhere --------------------------------------------------------------------

function setupUndo() {
  const button = document.getElementById("undo");
  if (!button) return;
  fetch("/api/session").then((r) => r.json()).then((s) => { if (s.undo) showUndo(s.undo); });
  button.addEventListener("click", async () => {
    const result = await api("POST", "/api/undo");
    if (result.ok) {
      say(`Undone: ${result.data.undone}.`);
      window.location.reload();
    } else if (result.status !== 409) {
      say(result.data.error || "Nothing to undo.");
      button.hidden = true;
    }
  });
}

function setupBuild() {
  const button = document.getElementById("build-all");
  if (!button) return;
  button.addEventListener("click", async () => {
    const out = document.getElementById("build-result");
    button.disabled = true;
    out.textContent = "Building every brief…";
    const result = await api("POST", "/api/build");
    button.disabled = false;
    const briefs = result.data.briefs || [];
    const built = briefs.filter((b) => b.status === "built").length;
    out.textContent = `${built} of ${briefs.length} briefs built in ${result.data.seconds} s. The PDFs are in the out/ folder.`;
  });
}

setupRecords();
setupNewBrief();
setupComposer();
setupUndo();
setupBuild();
// --- a quote's page: cut at the words selected in the report's text ----------------

function setupSelectionCut() {
  const box = document.getElementById("source-context");
  const button = document.getElementById("cut-selection");
  if (!box || !button) return;
  const offset = (node, at) => {
    const part = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    if (!part || !box.contains(part) || part.dataset.from === undefined) return null;
    return Number(part.dataset.from) + at;
  };
  let chosen = null;
  document.addEventListener("selectionchange", () => {
    const selection = document.getSelection();
    chosen = null;
    if (selection && selection.rangeCount && !selection.isCollapsed) {
      const range = selection.getRangeAt(0);
      const start = offset(range.startContainer, range.startOffset);
      const end = offset(range.endContainer, range.endOffset);
      if (start !== null && end !== null && end > start) chosen = { start, end };
    }
    button.hidden = !chosen;
  });
  button.addEventListener("click", () => {
    if (!chosen) return;
    const url = new URL(window.location.href);
    url.searchParams.set("start", String(chosen.start));
    url.searchParams.set("end", String(chosen.end));
    url.searchParams.delete("move");
    url.searchParams.delete("done");
    window.location.assign(url.toString());
  });
}

setupSelectionCut();
