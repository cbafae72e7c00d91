// The export page's progress (bundled by scripts/build-site.sh into /pkg/export.js). While the
// month's export runs, asks the server each second how far it got and moves the bar; once it
// has ended, shows the page that says how (the job's own address). Without this script the
// page's link "Uppdatera förloppet" does the same by hand.
const section = document.querySelector('[data-export-job]');
if (section) follow(section);

async function follow(section) {
  const bar = section.querySelector('progress');
  const text = section.querySelector('.job-text');
  const url = `/admin/export/jobb?id=${encodeURIComponent(section.dataset.exportJob)}`;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    let job;
    try {
      const res = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (!res.ok) continue;
      job = await res.json();
    } catch {
      continue; // a moment without a connection: ask again
    }
    if (!job.running) {
      location.replace(job.href);
      return;
    }
    if (job.total > 0) {
      bar.max = job.total;
      bar.value = job.done;
      bar.textContent = `${job.percent} %`;
    }
    text.textContent = job.text;
  }
}
