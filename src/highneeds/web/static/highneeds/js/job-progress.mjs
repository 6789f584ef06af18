// Keeps a job page's status up to date without reloading. Without JavaScript the page has a
// "Check again" button instead.
const box = document.getElementById("job-progress");

async function poll() {
  const response = await fetch(box.dataset.statusUrl, { credentials: "same-origin" });
  if (!response.ok) return;
  const job = await response.json();
  document.getElementById("job-status").textContent = job.status_label;
  document.getElementById("job-message").textContent = job.message;
  const percent = document.getElementById("job-percent");
  if (percent) percent.textContent = job.progress;
  const bar = document.getElementById("job-bar");
  if (bar) bar.value = job.progress;
  if (job.finished) {
    // Show the full report (problems, validation summary or the download), from the server.
    window.location.reload();
  } else {
    window.setTimeout(poll, 2000);
  }
}

if (box && box.dataset.finished === "false") {
  window.setTimeout(poll, 2000);
}
