// The Recipients page: upload a recipients file, then show its table.
const token = document.querySelector('meta[name="csrf-token"]').content;
const form = document.getElementById("recipients-upload");
if (form) {
  const problem = document.getElementById("recipients-problem");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.hidden = true;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const response = await fetch("/api/recipients", {
        method: "POST",
        headers: { "X-CSRF-Token": token },
        body: new FormData(form),
      });
      const answer = await response.json().catch(() => ({ error: "the studio did not answer" }));
      if (response.ok) {
        window.location.assign(answer.url);
        return;
      }
      problem.textContent = answer.error || `not uploaded (HTTP ${response.status})`;
      problem.hidden = false;
      problem.focus?.();
    } finally {
      button.disabled = false;
    }
  });
}
